import { describe, expect, it, vi } from "vitest";
import { LiveList } from "@/app/_components/live-list";
import type { DocumentListItem, UploadedDocument } from "@/lib/document-types";
import type { DocumentProgress } from "@/lib/events";

function doc(id: string, state: Partial<DocumentListItem> = {}): DocumentListItem {
  return { id, title: id, filename: `${id}.pdf`, status: "processing", stage: "summarize", progress: 30, error: null, createdAt: "2030-01-01T00:00:00.000Z", ...state };
}

function event(id: string, state: Partial<DocumentProgress> = {}): DocumentProgress {
  return { id, status: "processing", stage: "summarize", progress: 40, ...state };
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
  let shown = initial;
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

  it("never lets an upload's answer undo a state that arrived before it, even a failure", async () => {
    const source = snapshots();
    const { list, view } = liveList([], source.load);
    // The worker failed the file before the upload's answer reached the page: the event made the
    // list read a snapshot, which already shows the failure.
    list.apply(event("fast", { status: "failed", stage: "extract", progress: 0, error: "This file is empty." }));
    await source.answer([doc("fast", { status: "failed", stage: "extract", progress: 0, error: "This file is empty." })]);
    list.addUploaded([uploaded("fast")]);
    expect(view()).toEqual([{ id: "fast", status: "failed", progress: 0 }]);
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
});
