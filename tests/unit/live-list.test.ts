import { describe, expect, it, vi } from "vitest";
import { LiveList, type LiveItem } from "@/app/_components/live-list";
import type { DocumentListItem, UploadedDocument } from "@/lib/document-types";
import type { DocumentProgress, DocumentSummaryEvent } from "@/lib/events";

function doc(id: string, state: Partial<DocumentListItem> = {}): DocumentListItem {
  return { id, title: id, filename: `${id}.pdf`, status: "processing", stage: "summarize", progress: 30, error: null, createdAt: "2030-01-01T00:00:00.000Z", ...state };
}

function event(id: string, state: Partial<DocumentProgress> = {}): DocumentProgress {
  return { id, status: "processing", stage: "summarize", progress: 40, ...state };
}

function summary(id: string, text: string, state: Partial<DocumentSummaryEvent> = {}): DocumentSummaryEvent {
  return { id, text, done: false, ...state };
}

function uploaded(id: string): UploadedDocument {
  return { id, title: id, filename: `${id}.pdf`, status: "queued", stage: "extract", progress: 0 };
}

/** A snapshot loader whose answers the test hands out one at a time. */
function snapshots() {
  const pending: ((items: DocumentListItem[]) => void)[] = [];
  const load = vi.fn(() => new Promise<DocumentListItem[]>((resolve) => pending.push(resolve)));
  return {
    load,
    /** Answers the oldest unanswered load and lets the list merge it. */
    async answer(items: DocumentListItem[]) {
      const resolve = pending.shift();
      if (!resolve) throw new Error("no snapshot load is waiting");
      resolve(items);
      await new Promise((settle) => setTimeout(settle, 0));
    },
  };
}

/** A LiveList over `initial`, with what it last showed. */
function liveList(initial: DocumentListItem[], load = snapshots().load) {
  let shown: LiveItem[] = initial;
  const list = new LiveList(initial, load, (items) => (shown = items));
  return { list, shown: () => shown, view: () => shown.map(({ id, status, progress }) => ({ id, status, progress })) };
}

describe("LiveList", () => {
  it("advances a listed document with its progress event", () => {
    const { list, shown } = liveList([doc("a"), doc("b")]);
    list.apply(event("a", { stage: "embed", progress: 70 }));
    expect(shown()[0]).toMatchObject({ id: "a", status: "processing", stage: "embed", progress: 70 });
    expect(shown()[1]).toMatchObject({ id: "b", progress: 30 });
  });

  it("never moves a bar backwards within a status, but applies a status change", () => {
    const { list, view } = liveList([doc("a", { progress: 50 })]);
    list.apply(event("a", { progress: 40 }));
    expect(view()).toEqual([{ id: "a", status: "processing", progress: 50 }]);

    list.apply(event("a", { status: "queued", stage: "extract", progress: 0 }));
    expect(view()).toEqual([{ id: "a", status: "queued", progress: 0 }]);
  });

  it("loads a snapshot when an event names a document it does not list", async () => {
    const source = snapshots();
    const { list, view } = liveList([doc("a")], source.load);
    list.apply(event("new", { status: "queued", stage: "extract", progress: 0 }));
    expect(source.load).toHaveBeenCalledTimes(1);

    await source.answer([doc("new", { status: "queued", stage: "extract", progress: 0 }), doc("a")]);
    expect(view()).toEqual([
      { id: "new", status: "queued", progress: 0 },
      { id: "a", status: "processing", progress: 30 },
    ]);
    expect(source.load).toHaveBeenCalledTimes(1);
  });

  it("replays the events that arrive during a load on top of the snapshot", async () => {
    const source = snapshots();
    const { list, view } = liveList([doc("a", { progress: 30 })], source.load);
    const loaded = list.refresh();
    list.apply(event("a", { status: "done", stage: "similar", progress: 100 }));

    // The snapshot was read before the document finished.
    await source.answer([doc("a", { progress: 35 })]);
    await loaded;
    expect(view()).toEqual([{ id: "a", status: "done", progress: 100 }]);
    expect(source.load).toHaveBeenCalledTimes(1);
  });

  it("keeps uploaded documents a snapshot does not list yet, and lists each once when it does", async () => {
    const source = snapshots();
    const { list, view } = liveList([doc("old", { status: "done", stage: "similar", progress: 100 })], source.load);
    list.addUploaded([uploaded("first"), uploaded("second"), uploaded("first")]);
    expect(view().map((item) => item.id)).toEqual(["second", "first", "old"]);

    // A snapshot read before the upload committed.
    const early = list.refresh();
    await source.answer([doc("old", { status: "done", stage: "similar", progress: 100 })]);
    await early;
    expect(view().map((item) => item.id)).toEqual(["second", "first", "old"]);

    const late = list.refresh();
    await source.answer([
      doc("second", { progress: 10 }),
      doc("first", { progress: 5 }),
      doc("old", { status: "done", stage: "similar", progress: 100 }),
    ]);
    await late;
    expect(view()).toEqual([
      { id: "second", status: "processing", progress: 10 },
      { id: "first", status: "processing", progress: 5 },
      { id: "old", status: "done", progress: 100 },
    ]);
  });

  it("drops a removed document", () => {
    const { list, view } = liveList([doc("a"), doc("b")]);
    list.remove("a");
    expect(view().map((item) => item.id)).toEqual(["b"]);
  });

  it("keeps a failure's message when a progress event leaves it out", () => {
    const { list, shown } = liveList([doc("a")]);
    list.apply(event("a", { status: "failed", stage: "extract", progress: 10, error: "This PDF is password protected." }));
    list.apply(event("a", { status: "failed", stage: "extract", progress: 10 }));
    expect(shown()[0]).toMatchObject({ status: "failed", error: "This PDF is password protected." });

    list.apply(event("a", { status: "queued", stage: "extract", progress: 0 }));
    expect(shown()[0]).toMatchObject({ status: "queued", error: null });
  });

  it("shows the summary being written as it grows, and drops it once done or once the stage has ended", () => {
    const { list, shown } = liveList([doc("a"), doc("b")]);
    list.applySummary(summary("a", "The report"));
    list.applySummary(summary("a", "The report covers"));
    expect(shown()[0].summaryDraft).toEqual({ text: "The report covers" });
    expect(shown()[1].summaryDraft).toBeUndefined();

    list.applySummary(summary("a", "The report covers the budget.", { done: true }));
    expect(shown()[0].summaryDraft).toBeNull();

    list.applySummary(summary("b", "Half"));
    list.apply(event("b", { status: "cancelled" }));
    expect(shown()[1].summaryDraft).toBeNull();
    // A late copy after the stage ended does not bring it back.
    list.applySummary(summary("b", "Half a"));
    expect(shown()[1].summaryDraft).toBeNull();
  });

  it("keeps a draft an event showed when an older snapshot arrives, and starts it again on a retry", async () => {
    const source = snapshots();
    const { list, shown } = liveList([doc("a")], source.load);
    const loaded = list.refresh();
    list.applySummary(summary("a", "The minutes record three"));
    await source.answer([doc("a", { summaryDraft: { text: "The minutes" } })]);
    await loaded;
    expect(shown()[0].summaryDraft).toEqual({ text: "The minutes record three" });

    list.applySummary(summary("a", "", { retrying: true }));
    expect(shown()[0].summaryDraft).toEqual({ text: "", retrying: true });
    list.applySummary(summary("a", "The"));
    expect(shown()[0].summaryDraft).toEqual({ text: "The" });
  });

  it("shows what the running stage is doing with its progress", () => {
    const { list, shown } = liveList([doc("a")]);
    list.apply(event("a", { progress: 35, detail: "part 3 of 9" }));
    expect(shown()[0]).toMatchObject({ progress: 35, detail: "part 3 of 9" });
    list.apply(event("a", { stage: "embed", progress: 60 }));
    expect(shown()[0].detail).toBeUndefined();
  });
});
