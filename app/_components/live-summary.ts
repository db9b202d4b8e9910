/**
 * The summary being written, as the live views show it: folded from `document:summary` events
 * and snapshots (the follow answer, GET), beside the document's state. React-free, so it runs
 * (and is tested) without a browser.
 */
import type { SummaryDraft } from "@/lib/document-types";
import type { DocumentSummaryEvent } from "@/lib/events";
import { isActive, isWritingSummary, type DocumentStatus } from "@/lib/pipeline/statuses";
import { isLaterStage, SUMMARY_STAGE, type Stage } from "@/lib/pipeline/table";

/** What the draft rules read of a document. */
export interface DraftHolder {
  status: DocumentStatus;
  stage: Stage;
  summaryDraft?: SummaryDraft | null;
}

/**
 * The draft after a newer copy of it: "retrying" starts it again; otherwise a copy never shortens
 * the text shown (an older snapshot may arrive after an event).
 */
export function nextDraft(shown: SummaryDraft | null | undefined, incoming: SummaryDraft): SummaryDraft {
  if (incoming.retrying) return { text: "", retrying: true };
  if (shown && !shown.retrying && shown.text.length > incoming.text.length && shown.text.startsWith(incoming.text)) return shown;
  return { text: incoming.text };
}

/**
 * The draft once a document's state is known anew: none unless it is writing its summary; then
 * the snapshot's copy (`incoming`, if any) or the one shown.
 */
export function draftAfter(shown: SummaryDraft | null | undefined, incoming: SummaryDraft | null | undefined, state: DraftHolder): SummaryDraft | null {
  if (!isWritingSummary(state)) return null;
  return incoming ? nextDraft(shown, incoming) : (shown ?? null);
}

/** A document after a summary event: the draft grows; with `done` it is gone (the text is the stored summary now). */
export function applySummaryEvent<T extends DraftHolder>(current: T, event: DocumentSummaryEvent): T {
  if (event.done) return { ...current, summaryDraft: null };
  return { ...current, summaryDraft: draftAfter(current.summaryDraft, event, current) };
}

/** Whether the run under way will write a new summary (it has not passed the summarize stage): the one shown is being updated. */
export function isUpdatingSummary({ status, stage }: { status: DocumentStatus; stage: Stage }): boolean {
  return isActive(status) && !isLaterStage(stage, SUMMARY_STAGE);
}

/** The first line of a draft, for the library list. */
export function firstLine(draft: SummaryDraft): string {
  return draft.retrying ? "Retrying…" : draft.text.split("\n", 1)[0];
}
