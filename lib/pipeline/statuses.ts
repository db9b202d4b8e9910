/**
 * A document's statuses and the groups every screen and process asks about. Browser-safe; the
 * names are the database enum's (checked at compile time in ./transitions.ts).
 */
import { SUMMARY_STAGE, type Stage } from "./table";

export const DOCUMENT_STATUSES = ["queued", "processing", "done", "failed", "cancelled"] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** Statuses of a document whose chain is queued or running. */
export const ACTIVE_STATUSES = ["queued", "processing"] as const satisfies readonly DocumentStatus[];
/** Statuses of a document whose chain has ended, one way or another. */
export const FINAL_STATUSES = ["done", "failed", "cancelled"] as const satisfies readonly DocumentStatus[];
/** Statuses from which a retry (from the stage that stopped) applies. */
export const RETRYABLE_STATUSES = ["failed", "cancelled"] as const satisfies readonly DocumentStatus[];

const has = (group: readonly DocumentStatus[]) => (status: DocumentStatus) => group.includes(status);

/** Queued or processing. */
export const isActive = has(ACTIVE_STATUSES);
/** Done, failed or cancelled. */
export const isFinal = has(FINAL_STATUSES);
/** Failed or cancelled: a retry applies. */
export const isRetryable = has(RETRYABLE_STATUSES);

/** Whether a document's summary may be being written now (queued or running at the summarize stage): only then does its draft count. */
export function isWritingSummary({ status, stage }: { status: DocumentStatus; stage: Stage }): boolean {
  return isActive(status) && stage === SUMMARY_STAGE;
}

/** How a status reads to a person. */
export const STATUS_LABELS: Record<DocumentStatus, string> = {
  queued: "Queued",
  processing: "Processing",
  done: "Done",
  failed: "Failed",
  cancelled: "Cancelled",
};
