/**
 * The merge behind the live views: pages, progress events and uploads folded into what the
 * page shows. React-free, so it runs (and is tested) without a browser.
 */
import type { DocumentListItem, SummaryDraft, UploadedDocument } from "@/lib/document-types";
import type { DocumentProgress, DocumentSummaryEvent } from "@/lib/events";
import type { LibraryPage } from "@/lib/library";
import { applySummaryEvent, draftAfter } from "./live-summary";

/** How many documents' early events are kept (a drop of files is at most a few hundred). */
const UNSHOWN_EVENTS_KEPT = 500;

type DocumentState = Pick<DocumentListItem, "status" | "stage" | "progress" | "error" | "retryable">;

/** A document as a live view shows it: its row, and what its running stage is doing now. */
export type LiveItem = DocumentListItem & { detail?: string };

/** A progress event, or a fresh read of a document's state (which carries its summary draft). */
export type DocumentUpdate = DocumentProgress & { summaryDraft?: SummaryDraft | null };

/** The pages shown so far, as live items. */
export type LivePage = Omit<LibraryPage, "documents"> & { documents: LiveItem[] };

/** Reads a page of the library's view now: the first (null) or the one after `cursor`. */
export type PageReader = (cursor: string | null) => Promise<LibraryPage>;

export interface LiveListOptions {
  readPage: PageReader;
  /** Called with what the page shows after every change. */
  onChange: (shown: LivePage) => void;
  /** The view lists every document, newest first: a new document belongs at its top. */
  showsNewFirst: boolean;
}

/** What happened while one read was on its way, applied on top of its answer. */
interface ReadWatch {
  events: DocumentProgress[];
  /** New documents this page uploaded meanwhile (the read's total may not count them). */
  uploaded: Set<string>;
}

/**
 * A newer state of a document. A run only moves forward: under the same status the bar never
 * moves backwards, and a running document never goes back to "Queued" (a late event or read, or a
 * lost job queued again, which the worker picks up where the bar is); a new run starts only from a
 * final status.
 */
function advance<T extends LiveItem>(current: T, next: DocumentState): T {
  const { status, stage, progress, error, retryable } = next;
  const backToQueued = current.status === "processing" && status === "queued";
  if (backToQueued || (status === current.status && progress < current.progress)) return { ...current, error, retryable };
  return { ...current, status, stage, progress, error, retryable };
}

function pickState({ status, stage, progress, error, retryable }: DocumentState): DocumentState {
  return { status, stage, progress, error, retryable };
}

/** A shown document after a read of it: the read's fields, its state by the no-going-backwards rule. */
function merge(current: LiveItem, read: DocumentListItem): LiveItem {
  const advanced = advance({ ...read, ...pickState(current) }, read);
  return { ...advanced, summaryDraft: draftAfter(current.summaryDraft, read.summaryDraft, advanced) };
}

function stateOf(event: DocumentProgress, current: DocumentListItem): DocumentState {
  // A progress event may leave the message out; keep the one already known for a failure.
  const error = event.error !== undefined ? event.error : event.status === "failed" ? current.error : null;
  return { status: event.status, stage: event.stage, progress: event.progress, error, retryable: event.retryable };
}

/** A document after a progress event or a fresh read of its state, by the no-going-backwards rule. */
export function applyProgress<T extends LiveItem>(current: T, event: DocumentUpdate): T {
  const next = advance(current, stateOf(event, current));
  return { ...next, detail: event.detail, summaryDraft: draftAfter(current.summaryDraft, event.summaryDraft, next) };
}

/**
 * The library page's documents (the pages loaded so far) kept current from reads and progress
 * events. An event for a document the page does not show never reloads the list: only a new
 * (queued) one, in a view that lists new documents first, reads the first page again. Events
 * that arrive while a read is on its way are replayed on top of it, so a late read never undoes them.
 */
export class LiveList {
  private shown: LivePage;
  /** Documents this page uploaded that no read has listed yet. */
  private readonly uploadedOnly = new Set<string>();
  /** Deleted documents: a read answered before the deletion never brings one back. */
  private readonly removed = new Set<string>();
  private readonly watches = new Set<ReadWatch>();
  private refreshing = false;
  private refreshAgain = false;
  private loadingMore: Promise<void> | null = null;
  /** The last event of each of a few documents not shown (an upload's events can beat its answer). */
  private readonly unshownEvents = new Map<string, DocumentProgress>();

  constructor(
    initial: LivePage,
    private readonly options: LiveListOptions,
  ) {
    this.shown = initial;
  }

  /** Applies one progress event; a new document the view would list first reads the first page. */
  apply(event: DocumentProgress): void {
    for (const watch of this.watches) watch.events.push(event);
    if (this.applyEvent(event)) return;
    this.rememberUnshown(event);
    if (!this.refreshing && this.announcesNew(event)) void this.refresh();
  }

  private rememberUnshown(event: DocumentProgress): void {
    this.unshownEvents.delete(event.id);
    this.unshownEvents.set(event.id, event);
    if (this.unshownEvents.size > UNSHOWN_EVENTS_KEPT) this.unshownEvents.delete(this.unshownEvents.keys().next().value!);
  }

  /** Applies a summary event to its document's draft (the first line shows in the list); other documents' events are ignored. */
  applySummary(event: DocumentSummaryEvent): void {
    const current = this.shown.documents.find((item) => item.id === event.id);
    if (current) this.commit({ ...this.shown, documents: this.shown.documents.map((item) => (item === current ? applySummaryEvent(item, event) : item)) });
  }

  /** Drops a deleted document. */
  remove(id: string): void {
    this.removed.add(id);
    this.uploadedOnly.delete(id);
    const documents = this.shown.documents.filter((item) => item.id !== id);
    if (documents.length === this.shown.documents.length) return;
    this.commit({ ...this.shown, documents, total: Math.max(0, this.shown.total - 1) });
  }

  /** Documents brought back from the trash: the next reads list them again. */
  restored(ids: readonly string[]): void {
    for (const id of ids) this.removed.delete(id);
  }

  /** Shows documents answered by an upload at once, before any read or event names them. */
  addUploaded(uploaded: UploadedDocument[]): void {
    const fresh: LiveItem[] = [];
    const documents = this.shown.documents;
    let added = 0;
    for (const doc of uploaded) {
      // A document already shown is at least as new as the upload's answer (a read may have
      // listed it first, with its failure even): keep it.
      if (documents.some((item) => item.id === doc.id)) continue;
      if (!fresh.some((item) => item.id === doc.id)) {
        const { id, title, filename, mimeType, size, status, stage, progress } = doc;
        const row: DocumentListItem = { id, title, filename, mimeType, size, status, stage, progress, error: null, createdAt: new Date().toISOString() };
        // Its events may have come before the upload's answer did.
        const early = this.unshownEvents.get(id);
        fresh.push(early ? applyProgress(row, early) : row);
        this.uploadedOnly.add(id);
        // A duplicate is a document the library already counts.
        if (!doc.duplicate) {
          added += 1;
          for (const watch of this.watches) watch.uploaded.add(id);
        }
      }
    }
    // The server lists the last file of an upload first (newest first).
    this.commit({ ...this.shown, documents: [...fresh.reverse(), ...documents], total: this.shown.total + added });
  }

  /** Reads the first page again and merges it; the rows of later pages keep their state. A call during a read schedules one more. */
  async refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return;
    }
    this.refreshing = true;
    try {
      const { page, watch } = await this.read(null);
      this.mergeFirstPage(page, watch);
      const missed = watch.events.filter((event) => !this.applyEvent(event));
      if (missed.some((event) => this.announcesNew(event))) this.refreshAgain = true;
    } catch {
      // Keep what is shown; the next connect, poll or new document reads again.
    } finally {
      this.refreshing = false;
    }
    if (this.refreshAgain) {
      this.refreshAgain = false;
      await this.refresh();
    }
  }

  /** Appends the next page, if there is one (one read at a time); rejects when the read fails, keeping what is shown. */
  loadMore(): Promise<void> {
    this.loadingMore ??= this.appendNextPage().finally(() => (this.loadingMore = null));
    return this.loadingMore;
  }

  private async appendNextPage(): Promise<void> {
    if (this.shown.nextCursor === null) return;
    const { page, watch } = await this.read(this.shown.nextCursor);
    const read = new Map(page.documents.map((doc) => [doc.id, doc]));
    // A document this page uploaded may already be shown above, in a view that sorts it further down.
    const documents = this.shown.documents.map((item) => {
      const doc = read.get(item.id);
      if (!doc) return item;
      read.delete(item.id);
      this.uploadedOnly.delete(item.id);
      return merge(item, doc);
    });
    const appended = [...read.values()].filter((doc) => !this.removed.has(doc.id));
    this.commit({ documents: [...documents, ...appended], nextCursor: page.nextCursor, total: this.totalAfter(page, watch) });
    watch.events.forEach((event) => this.applyEvent(event));
  }

  private async read(cursor: string | null): Promise<{ page: LibraryPage; watch: ReadWatch }> {
    const watch: ReadWatch = { events: [], uploaded: new Set() };
    this.watches.add(watch);
    try {
      return { page: await this.options.readPage(cursor), watch };
    } finally {
      this.watches.delete(watch);
    }
  }

  private announcesNew(event: DocumentProgress): boolean {
    return this.options.showsNewFirst && event.status === "queued";
  }

  private applyEvent(event: DocumentProgress): boolean {
    const current = this.shown.documents.find((item) => item.id === event.id);
    if (!current) return false;
    this.commit({ ...this.shown, documents: this.shown.documents.map((item) => (item === current ? applyProgress(item, event) : item)) });
    return true;
  }

  /**
   * The first page on top; below it the uploads it does not list yet and the rows of later pages
   * (unless the page is the whole list, when a row it leaves out is gone).
   */
  private mergeFirstPage(page: LibraryPage, watch: ReadWatch): void {
    const byId = new Map(this.shown.documents.map((item) => [item.id, item]));
    const listed = page.documents
      .filter((doc) => !this.removed.has(doc.id))
      .map((doc) => {
        this.uploadedOnly.delete(doc.id);
        const current = byId.get(doc.id);
        return current ? merge(current, doc) : doc;
      });
    const listedIds = new Set(listed.map((doc) => doc.id));
    const unlisted = this.shown.documents.filter((item) => !listedIds.has(item.id));
    const notYetListed = unlisted.filter((item) => this.uploadedOnly.has(item.id));
    const wholeList = page.nextCursor === null;
    const later = wholeList ? [] : unlisted.filter((item) => !this.uploadedOnly.has(item.id));
    this.commit({
      documents: [...notYetListed, ...listed, ...later],
      nextCursor: wholeList ? null : this.shown.nextCursor,
      total: this.totalAfter(page, watch),
    });
  }

  /** The read's total, with this page's uploads and deletions it may not count yet. */
  private totalAfter(page: LibraryPage, watch: ReadWatch): number {
    const read = new Set(page.documents.map((doc) => doc.id));
    const uploadedSince = [...watch.uploaded].filter((id) => !read.has(id) && !this.removed.has(id)).length;
    const removedSince = page.documents.filter((doc) => this.removed.has(doc.id)).length;
    return page.total + uploadedSince - removedSince;
  }

  private commit(shown: LivePage): void {
    this.shown = shown;
    this.options.onChange(shown);
  }
}
