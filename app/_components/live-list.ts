/**
 * The merge behind the live views: snapshots, progress events and uploads folded into what the
 * page shows. React-free, so it runs (and is tested) without a browser.
 */
import type { DocumentListItem, UploadedDocument } from "@/lib/document-types";
import type { DocumentProgress } from "@/lib/events";

type DocumentState = Pick<DocumentListItem, "status" | "stage" | "progress" | "error" | "retryable">;

/** Reads the owner's documents now (GET /api/documents in the browser). */
export type SnapshotLoader = () => Promise<DocumentListItem[]>;

/** A newer state of a document; a bar never moves backwards unless the status changes. */
function advance(current: DocumentListItem, next: DocumentState): DocumentListItem {
  const { status, stage, progress, error, retryable } = next;
  if (status === current.status && progress < current.progress) return { ...current, error, retryable };
  return { ...current, status, stage, progress, error, retryable };
}

function pickState({ status, stage, progress, error, retryable }: DocumentState): DocumentState {
  return { status, stage, progress, error, retryable };
}

function stateOf(event: DocumentProgress, current: DocumentListItem): DocumentState {
  // A progress event may leave the message out; keep the one already known for a failure.
  const error = event.error !== undefined ? event.error : event.status === "failed" ? current.error : null;
  return { status: event.status, stage: event.stage, progress: event.progress, error, retryable: event.retryable };
}

/** A document after a progress event or a fresh read of its state, by the no-going-backwards rule. */
export function applyProgress(current: DocumentListItem, event: DocumentProgress): DocumentListItem {
  return advance(current, stateOf(event, current));
}

/**
 * The owner's documents kept current from snapshots and progress events. Events that arrive
 * while a snapshot loads are replayed on top of it, so a late snapshot never undoes them.
 */
export class LiveList {
  private items: DocumentListItem[];
  /** Documents this page uploaded that no snapshot has shown yet. */
  private readonly uploadedOnly = new Set<string>();
  private loading = false;
  private loadAgain = false;
  private buffered: DocumentProgress[] = [];

  constructor(
    initial: DocumentListItem[],
    private readonly loadSnapshot: SnapshotLoader,
    private readonly onChange: (items: DocumentListItem[]) => void,
  ) {
    this.items = initial;
  }

  /** Applies one progress event; an unknown document makes the list reload. */
  apply(event: DocumentProgress): void {
    if (this.loading) this.buffered.push(event);
    if (!this.applyEvent(event) && !this.loading) void this.refresh();
  }

  /** Drops a deleted document. */
  remove(id: string): void {
    this.uploadedOnly.delete(id);
    this.commit(this.items.filter((item) => item.id !== id));
  }

  /** Shows documents answered by an upload at once, before any snapshot or event names them. */
  addUploaded(uploaded: UploadedDocument[]): void {
    const fresh: DocumentListItem[] = [];
    const items = this.items;
    for (const doc of uploaded) {
      // A document already shown is at least as new as the upload's answer (its events or a
      // snapshot may have arrived first, even its failure): keep it.
      if (items.some((item) => item.id === doc.id)) continue;
      if (!fresh.some((item) => item.id === doc.id)) {
        const { id, title, filename, status, stage, progress } = doc;
        fresh.push({ id, title, filename, status, stage, progress, error: null, createdAt: new Date().toISOString() });
        this.uploadedOnly.add(id);
      }
    }
    // The server lists the last file of an upload first (newest first).
    this.commit([...fresh.reverse(), ...items]);
  }

  /** Reads the snapshot and merges it; a call during a load schedules one more load. */
  async refresh(): Promise<void> {
    if (this.loading) {
      this.loadAgain = true;
      return;
    }
    this.loading = true;
    this.buffered = [];
    try {
      this.mergeSnapshot(await this.loadSnapshot());
      const unknown = this.buffered.filter((event) => !this.applyEvent(event));
      if (unknown.length > 0) this.loadAgain = true;
    } catch {
      // Keep what is shown; the next connect, poll or unknown event reads again.
    } finally {
      this.loading = false;
      this.buffered = [];
    }
    if (this.loadAgain) {
      this.loadAgain = false;
      await this.refresh();
    }
  }

  private applyEvent(event: DocumentProgress): boolean {
    const current = this.items.find((item) => item.id === event.id);
    if (!current) return false;
    this.commit(this.items.map((item) => (item === current ? applyProgress(item, event) : item)));
    return true;
  }

  private mergeSnapshot(snapshot: DocumentListItem[]): void {
    const byId = new Map(this.items.map((item) => [item.id, item]));
    const merged = snapshot.map((doc) => {
      this.uploadedOnly.delete(doc.id);
      const current = byId.get(doc.id);
      return current ? advance({ ...doc, ...pickState(current) }, doc) : doc;
    });
    const notYetListed = this.items.filter((item) => this.uploadedOnly.has(item.id));
    this.commit([...notYetListed, ...merged]);
  }

  private commit(items: DocumentListItem[]): void {
    this.items = items;
    this.onChange(items);
  }
}
