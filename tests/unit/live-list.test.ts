import { describe, expect, it, vi } from "vitest";
import { LiveList, type LivePage } from "@/app/_components/live-list";
import type { DocumentListItem, UploadedDocument } from "@/lib/document-types";
import type { DocumentProgress, DocumentSummaryEvent } from "@/lib/events";
import type { LibraryPage } from "@/lib/library";

function doc(id: string, state: Partial<DocumentListItem> = {}): DocumentListItem {
  return { id, title: id, filename: `${id}.pdf`, mimeType: "application/pdf", size: 1000, status: "processing", stage: "summarize", progress: 30, error: null, createdAt: "2030-01-01T00:00:00.000Z", ...state };
}

function event(id: string, state: Partial<DocumentProgress> = {}): DocumentProgress {
  return { id, status: "processing", stage: "summarize", progress: 40, ...state };
}

function summary(id: string, text: string, state: Partial<DocumentSummaryEvent> = {}): DocumentSummaryEvent {
  return { id, text, done: false, ...state };
}

function uploaded(id: string): UploadedDocument {
  return { id, title: id, filename: `${id}.pdf`, mimeType: "application/pdf", size: 1000, status: "queued", stage: "extract", progress: 0 };
}

/** A page of `documents`: by default the whole list. */
function page(documents: DocumentListItem[], more: Partial<LibraryPage> = {}): LibraryPage {
  return { documents, nextCursor: null, total: documents.length, ...more };
}

const queued = { status: "queued", stage: "extract", progress: 0 } as const;

/** A page reader whose answers the test hands out one at a time. */
function pages() {
  const pending: ((answer: LibraryPage) => void)[] = [];
  const read = vi.fn((_cursor: string | null) => new Promise<LibraryPage>((resolve) => pending.push(resolve)));
  return {
    read,
    /** Answers the oldest unanswered read and lets the list merge it. */
    async answer(answer: LibraryPage) {
      const resolve = pending.shift();
      if (!resolve) throw new Error("no page read is waiting");
      resolve(answer);
      await new Promise((settle) => setTimeout(settle, 0));
    },
  };
}

/** A LiveList over `initial` (a page or the whole list), with what it last showed. */
function liveList(initial: DocumentListItem[] | LibraryPage, { read = pages().read, showsNewFirst = true } = {}) {
  let shown: LivePage = Array.isArray(initial) ? page(initial) : initial;
  const list = new LiveList(shown, { readPage: read, onChange: (next) => (shown = next), showsNewFirst });
  return {
    list,
    shown: () => shown.documents,
    total: () => shown.total,
    nextCursor: () => shown.nextCursor,
    view: () => shown.documents.map(({ id, status, progress }) => ({ id, status, progress })),
    ids: () => shown.documents.map((item) => item.id),
  };
}

describe("LiveList", () => {
  it("lists a document restored from the trash again, where a read before its restore never brought it back", async () => {
    const source = pages();
    const { list, ids } = liveList([doc("a"), doc("b")], { read: source.read });
    list.remove("a");
    const stale = list.refresh();
    await source.answer(page([doc("a"), doc("b")]));
    await stale;
    expect(ids()).toEqual(["b"]);

    list.restored(["a"]);
    const read = list.refresh();
    await source.answer(page([doc("a"), doc("b")]));
    await read;
    expect(ids()).toEqual(["a", "b"]);
  });

  it("advances a listed document with its progress event", () => {
    const { list, shown } = liveList([doc("a"), doc("b")]);
    list.apply(event("a", { stage: "embed", progress: 70 }));
    expect(shown()[0]).toMatchObject({ id: "a", status: "processing", stage: "embed", progress: 70 });
    expect(shown()[1]).toMatchObject({ id: "b", progress: 30 });
  });

  it("never moves a bar backwards within a run, but starts a new run after a final status", () => {
    const { list, view } = liveList([doc("a", { progress: 50 })]);
    list.apply(event("a", { progress: 40 }));
    expect(view()).toEqual([{ id: "a", status: "processing", progress: 50 }]);

    // A late "queued" (an upload's announcement after the worker started, a lost job queued again).
    list.apply(event("a", { status: "queued", stage: "extract", progress: 0 }));
    expect(view()).toEqual([{ id: "a", status: "processing", progress: 50 }]);

    list.apply(event("a", { status: "cancelled", progress: 50 }));
    list.apply(event("a", { status: "queued", stage: "extract", progress: 0 }));
    expect(view()).toEqual([{ id: "a", status: "queued", progress: 0 }]);
  });

  it("reads nothing for an event of a document it does not show that is not a new one", () => {
    const source = pages();
    const { list, view } = liveList([doc("a")], { read: source.read });
    list.apply(event("elsewhere", { status: "processing", progress: 60 }));
    list.apply(event("elsewhere", { status: "done", stage: "similar", progress: 100 }));
    expect(source.read).not.toHaveBeenCalled();
    expect(view()).toEqual([{ id: "a", status: "processing", progress: 30 }]);
  });

  it("reads the first page for a new document, newest first and unfiltered, and adds it at the top", async () => {
    const source = pages();
    const { list, view, total } = liveList(page([doc("b"), doc("a")], { total: 120, nextCursor: "after-a" }), { read: source.read });
    list.apply(event("new", queued));
    list.apply(event("new", { progress: 5 }));
    expect(source.read).toHaveBeenCalledTimes(1);
    expect(source.read).toHaveBeenCalledWith(null);

    // The page was read before the second event; it is replayed on top.
    await source.answer(page([doc("new", queued), doc("b"), doc("a")], { total: 121, nextCursor: "after-a" }));
    expect(view()).toEqual([
      { id: "new", status: "processing", progress: 5 },
      { id: "b", status: "processing", progress: 30 },
      { id: "a", status: "processing", progress: 30 },
    ]);
    expect(total()).toBe(121);
    expect(source.read).toHaveBeenCalledTimes(1);
  });

  it("reads nothing for a new document when the view is sorted or filtered", () => {
    const source = pages();
    const { list, ids } = liveList([doc("a")], { read: source.read, showsNewFirst: false });
    list.apply(event("new", queued));
    expect(source.read).not.toHaveBeenCalled();
    expect(ids()).toEqual(["a"]);
  });

  it("replays the events that arrive during a read on top of the page", async () => {
    const source = pages();
    const { list, view } = liveList([doc("a", { progress: 30 })], { read: source.read });
    const loaded = list.refresh();
    list.apply(event("a", { status: "done", stage: "similar", progress: 100 }));

    // The page was read before the document finished.
    await source.answer(page([doc("a", { progress: 35 })]));
    await loaded;
    expect(view()).toEqual([{ id: "a", status: "done", progress: 100 }]);
    expect(source.read).toHaveBeenCalledTimes(1);
  });

  it("keeps uploaded documents a read does not list yet, counts them, and lists each once when it does", async () => {
    const source = pages();
    const old = doc("old", { status: "done", stage: "similar", progress: 100 });
    const { list, view, ids, total } = liveList([old], { read: source.read });

    // A page read before the upload committed.
    const early = list.refresh();
    list.addUploaded([uploaded("first"), uploaded("second"), uploaded("first")]);
    expect(ids()).toEqual(["second", "first", "old"]);
    expect(total()).toBe(3);
    await source.answer(page([old]));
    await early;
    expect(ids()).toEqual(["second", "first", "old"]);
    expect(total()).toBe(3);

    const late = list.refresh();
    await source.answer(page([doc("second", { progress: 10 }), doc("first", { progress: 5 }), old]));
    await late;
    expect(view()).toEqual([
      { id: "second", status: "processing", progress: 10 },
      { id: "first", status: "processing", progress: 5 },
      { id: "old", status: "done", progress: 100 },
    ]);
    expect(total()).toBe(3);
  });

  it("does not count a duplicate upload as a new document", () => {
    const { list, ids, total } = liveList(page([doc("a")], { total: 60, nextCursor: "after-a" }));
    list.addUploaded([{ ...uploaded("older"), duplicate: true }]);
    expect(ids()).toEqual(["older", "a"]);
    expect(total()).toBe(60);
  });

  it("appends the next page by its cursor, and says when there is none", async () => {
    const source = pages();
    const { list, ids, nextCursor, total } = liveList(page([doc("c"), doc("b")], { total: 3, nextCursor: "after-b" }), { read: source.read });
    const more = list.loadMore();
    expect(list.loadMore()).toBe(more);
    expect(source.read).toHaveBeenCalledWith("after-b");
    await source.answer(page([doc("a")], { total: 3 }));
    await more;
    expect(ids()).toEqual(["c", "b", "a"]);
    expect(nextCursor()).toBeNull();
    expect(total()).toBe(3);

    await list.loadMore();
    expect(source.read).toHaveBeenCalledTimes(1);
  });

  it("merges a (re)read first page and keeps the rows of later pages as they are", async () => {
    const source = pages();
    const { list, view, nextCursor } = liveList(page([doc("d"), doc("c")], { total: 4, nextCursor: "after-c" }), { read: source.read });
    const more = list.loadMore();
    await source.answer(page([doc("b"), doc("a")], { total: 4, nextCursor: "after-a" }));
    await more;
    list.apply(event("a", { status: "done", stage: "similar", progress: 100 }));

    const reread = list.refresh();
    await source.answer(page([doc("d", { status: "failed", stage: "extract", progress: 10 }), doc("c", { progress: 80 })], { total: 4, nextCursor: "after-c" }));
    await reread;
    expect(view()).toEqual([
      { id: "d", status: "failed", progress: 10 },
      { id: "c", status: "processing", progress: 80 },
      { id: "b", status: "processing", progress: 30 },
      { id: "a", status: "done", progress: 100 },
    ]);
    expect(nextCursor()).toBe("after-a");
  });

  it("drops a row a first page that is the whole list no longer has", async () => {
    const source = pages();
    const { list, ids, total } = liveList([doc("b"), doc("a")], { read: source.read });
    const reread = list.refresh();
    await source.answer(page([doc("b")]));
    await reread;
    expect(ids()).toEqual(["b"]);
    expect(total()).toBe(1);
  });

  it("drops a removed document, and a read from before the deletion does not bring it back", async () => {
    const source = pages();
    const { list, ids, total } = liveList([doc("a"), doc("b")], { read: source.read });
    const reread = list.refresh();
    list.remove("a");
    expect(ids()).toEqual(["b"]);
    expect(total()).toBe(1);

    await source.answer(page([doc("a"), doc("b")]));
    await reread;
    expect(ids()).toEqual(["b"]);
    expect(total()).toBe(1);
  });

  it("applies the events that beat an upload's answer to its new row, without reading the list", () => {
    const source = pages();
    const { list, view } = liveList([doc("old", { status: "done", progress: 100 })], { read: source.read, showsNewFirst: false });
    // The worker failed the file before the upload's answer reached the page.
    list.apply(event("fast", { status: "processing", stage: "extract", progress: 0 }));
    list.apply(event("fast", { status: "failed", stage: "extract", progress: 0, error: "This file is empty." }));
    list.addUploaded([uploaded("fast")]);
    expect(view()).toEqual([
      { id: "fast", status: "failed", progress: 0 },
      { id: "old", status: "done", progress: 100 },
    ]);
    expect(source.read).not.toHaveBeenCalled();
  });

  it("never lets an upload's answer undo the state a read already shows", async () => {
    const source = pages();
    const { list, view } = liveList([], { read: source.read });
    const read = list.refresh();
    await source.answer(page([doc("fast", { status: "failed", stage: "extract", progress: 0, error: "This file is empty." })]));
    await read;
    list.addUploaded([uploaded("fast")]);
    expect(view()).toEqual([{ id: "fast", status: "failed", progress: 0 }]);
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

  it("keeps a draft an event showed when an older read arrives, and starts it again on a retry", async () => {
    const source = pages();
    const { list, shown } = liveList([doc("a")], { read: source.read });
    const loaded = list.refresh();
    list.applySummary(summary("a", "The minutes record three"));
    await source.answer(page([doc("a", { summaryDraft: { text: "The minutes" } })]));
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
