/**
 * Batches a summary's growing text into a few updates a second. The first text goes out at once,
 * so the reader sees the writing start without delay; later ones at most every `everyMs`, or
 * sooner once `everyUpdates` changes have piled up. Each update goes to the browsers
 * (`sink.send`) and then, in order, to the store that pages opened later read (`sink.store`).
 */
import type { SummaryDraft } from "@/lib/document-types";

/** Where a draft goes. `store` and `clear` report their own failures and never reject. */
export interface DraftSink {
  send(draft: SummaryDraft): void;
  store(draft: SummaryDraft): Promise<void>;
  clear(): Promise<void>;
}

export interface DraftBatching {
  everyMs: number;
  everyUpdates: number;
}

/** About ten updates a second, or one per 20 tokens of a fast model. */
export const DRAFT_BATCHING: DraftBatching = { everyMs: 100, everyUpdates: 20 };

/** One document's draft while one stage run writes it. */
export class DraftPublisher {
  private text = "";
  private sent = "";
  private pending = 0;
  private lastSentAt = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stored: Promise<void> = Promise.resolve();
  private begun = false;
  private closed = false;

  constructor(
    private readonly sink: DraftSink,
    private readonly batching: DraftBatching = DRAFT_BATCHING,
  ) {}

  /** The whole text written so far. */
  update(text: string): void {
    if (this.closed || text === this.text) return;
    this.text = text;
    this.begun = true;
    this.pending += 1;
    const wait = this.lastSentAt + this.batching.everyMs - Date.now();
    if (wait <= 0 || this.pending >= this.batching.everyUpdates) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  /** The writing starts again from its beginning: readers see "retrying", not a broken half, until new text comes. */
  restart(): void {
    if (this.closed || !this.begun) return;
    this.cancelTimer();
    this.text = "";
    this.pending = 0;
    this.lastSentAt = -Infinity;
    this.publish({ text: "", retrying: true });
  }

  /**
   * Stops publishing (a text not yet sent is dropped: the final text follows in the stage's
   * completion) and waits until what was sent is stored.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.cancelTimer();
    await this.stored;
  }

  /** The run failed and the job may run again: readers see "retrying" until then. */
  async fail(): Promise<void> {
    this.restart();
    await this.close();
  }

  /** The run was stopped (cancelled, shut down): the draft is forgotten. */
  async discard(): Promise<void> {
    await this.close();
    await this.sink.clear();
  }

  private flush(): void {
    this.cancelTimer();
    this.pending = 0;
    this.lastSentAt = Date.now();
    if (this.text !== this.sent) this.publish({ text: this.text });
  }

  private publish(draft: SummaryDraft): void {
    this.sent = draft.text;
    this.sink.send(draft);
    this.stored = this.stored.then(() => this.sink.store(draft));
  }

  private cancelTimer(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
