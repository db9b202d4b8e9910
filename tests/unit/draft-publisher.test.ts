import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { DraftPublisher, type DraftSink } from "@/lib/ai/draft-publisher";
import type { SummaryDraft } from "@/lib/document-types";

/** A sink that records what was sent and stored; storing takes `storeMs`. */
function recordingSink(storeMs = 0) {
  const sent: SummaryDraft[] = [];
  const stored: SummaryDraft[] = [];
  let cleared = 0;
  const sink: DraftSink = {
    send: (draft) => void sent.push(draft),
    store: async (draft) => {
      if (storeMs > 0) await new Promise((resolve) => setTimeout(resolve, storeMs));
      stored.push(draft);
    },
    clear: async () => void (cleared += 1),
  };
  return { sink, sent, stored, cleared: () => cleared };
}

/** Text growing a word at a time: "w0", "w0 w1", ... */
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(" ");

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("DraftPublisher", () => {
  it("sends the first text at once, then at most every 100 ms the latest, and stores each in order", async () => {
    const { sink, sent, stored } = recordingSink(5);
    const draft = new DraftPublisher(sink, { everyMs: 100, everyUpdates: 20 });
    draft.update(words(1));
    expect(sent).toEqual([{ text: "w0" }]);
    for (let n = 2; n <= 5; n++) {
      vi.advanceTimersByTime(10);
      draft.update(words(n));
    }
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(60);
    expect(sent).toEqual([{ text: "w0" }, { text: words(5) }]);
    await vi.advanceTimersByTimeAsync(5);
    expect(stored).toEqual(sent);
  });

  it("sends sooner once 20 changes have piled up", () => {
    const { sink, sent } = recordingSink();
    const draft = new DraftPublisher(sink, { everyMs: 100, everyUpdates: 20 });
    for (let n = 1; n <= 21; n++) draft.update(words(n));
    expect(sent.map((d) => d.text)).toEqual([words(1), words(21)]);
  });

  it("starts again with a retrying draft, and sends the first new text at once", () => {
    const { sink, sent } = recordingSink();
    const draft = new DraftPublisher(sink);
    draft.update(words(3));
    draft.restart();
    draft.update("again");
    expect(sent).toEqual([{ text: words(3) }, { text: "", retrying: true }, { text: "again" }]);
  });

  it("on close drops a text not yet sent, waits for storing, and publishes nothing after", async () => {
    const { sink, sent, stored } = recordingSink(50);
    const draft = new DraftPublisher(sink);
    draft.update(words(1));
    draft.update(words(2));
    const closed = draft.close();
    await vi.advanceTimersByTimeAsync(50);
    await closed;
    expect(stored).toEqual([{ text: words(1) }]);
    draft.update(words(3));
    await vi.advanceTimersByTimeAsync(200);
    expect(sent).toEqual([{ text: words(1) }]);
  });

  it("shows retrying after a failure only once writing had begun, and forgets the draft when discarded", async () => {
    const quiet = recordingSink();
    await new DraftPublisher(quiet.sink).fail();
    expect(quiet.sent).toEqual([]);

    const failed = recordingSink();
    const draft = new DraftPublisher(failed.sink);
    draft.update("half a sen");
    await draft.fail();
    expect(failed.stored.at(-1)).toEqual({ text: "", retrying: true });

    const stopped = recordingSink();
    const discarded = new DraftPublisher(stopped.sink);
    discarded.update("half");
    await discarded.discard();
    expect(stopped.cleared()).toBe(1);
  });
});
