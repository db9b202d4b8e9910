/**
 * The one owner of a document's state transitions: start, progress, complete, fail, requeue,
 * cancel. Each moves the state in the database first (stage output in the same update) and then
 * announces it to the owner's browsers; nothing else announces document state. A stage that
 * stores a summary also announces its final text (`document:summary` with `done: true`), after
 * the commit, and its draft is dropped with every end of the stage.
 */
import "./prisma-names";
import type { Document, Prisma } from "@/lib/generated/prisma/client";
import { clearDraft } from "@/lib/ai/summary-draft";
import { prisma } from "@/lib/db";
import { metrics } from "@/lib/metrics/registry";
import { isRecordNotFound } from "@/lib/prisma-errors";
import { emitDeleted, emitProgress, emitSummary } from "@/lib/socket-emitter";
import { cancelUpdate, completeUpdate, failUpdate, ProgressThrottle, requeueUpdate, startUpdate, type Failure } from "./rules";
import { ACTIVE_STATUSES } from "./statuses";
import { overallProgress, type Stage } from "./table";

const EMIT_EVERY_MS = 200;
const PERSIST_EVERY_MS = 1_000;
const ACTIVE = [...ACTIVE_STATUSES];

/** The document was cancelled, deleted or restarted while a stage ran: its result is dropped. */
export class StaleDocumentError extends Error {
  constructor(documentId: string) {
    super(`document ${documentId} changed while its stage ran`);
    this.name = "StaleDocumentError";
  }
}

type AnnouncedFields = Pick<Document, "id" | "ownerId" | "status" | "stage" | "progress" | "error" | "errorRetryable">;

/** Sends a document's current state to every browser of its owner, with what its stage is doing now if given. */
export function announce(doc: AnnouncedFields, detail?: string): void {
  emitProgress(doc.ownerId, {
    id: doc.id,
    status: doc.status,
    stage: doc.stage,
    progress: doc.progress,
    error: doc.error,
    retryable: doc.errorRetryable,
    ...(detail ? { detail } : {}),
  });
}

/** Sends a stored summary as the end of its draft, then drops the draft. */
async function announceSummary(doc: Pick<Document, "id" | "ownerId" | "summary">): Promise<void> {
  emitSummary(doc.ownerId, { id: doc.id, text: doc.summary ?? "", done: true });
  await clearDraft(doc.id);
}

/** Tells the owner's browsers that a document is gone. */
export function announceDeleted(ownerId: string, id: string): void {
  emitDeleted(ownerId, id);
}

function staleIfMissing(documentId: string) {
  return (error: unknown): never => {
    throw isRecordNotFound(error) ? new StaleDocumentError(documentId) : error;
  };
}

/** Marks a stage as running; returns the updated document (StaleDocumentError if it stopped meanwhile). */
export async function startStage(document: Document, stage: Stage): Promise<Document> {
  // The text is not sent back: the stage already has it, and it can be long.
  const updated = await prisma.document
    .update({ where: { id: document.id, status: { in: ACTIVE } }, data: startUpdate(document, stage, new Date()), omit: { text: true } })
    .catch(staleIfMissing(document.id));
  announce(updated);
  return { ...updated, text: document.text };
}

/**
 * Stores a stage's output and moves the document to the next stage, or to done after the last.
 * Output with a summary announces it as final once committed (given `tx`, the caller's
 * transaction commits after this returns, as for every announcement made here).
 */
export async function completeStage(
  document: Document,
  stage: Stage,
  output: Prisma.DocumentUpdateInput,
  tx: Prisma.TransactionClient = prisma,
): Promise<void> {
  const updated = await tx.document
    // Only a document still processing this stage takes the result (the text, which can be long, is not sent back).
    .update({ where: { id: document.id, status: "processing", stage }, data: { ...output, ...completeUpdate(stage, new Date()) }, omit: { text: true } })
    .catch(staleIfMissing(document.id));
  announce(updated);
  if (updated.status === "done") metrics().documents.inc({ status: "done" });
  if (output.summary !== undefined) await announceSummary(updated);
}

/** Marks a queued or running document failed at a stage, with a message written for its owner. */
export async function failDocument(documentId: string, stage: Stage, failure: Failure): Promise<void> {
  const { count } = await prisma.document.updateMany({
    where: { id: documentId, status: { in: ACTIVE } },
    data: failUpdate(stage, failure, new Date()),
  });
  if (count > 0) metrics().documents.inc({ status: "failed" });
  const updated = count > 0 ? await prisma.document.findUnique({ where: { id: documentId } }) : null;
  if (updated) announce(updated);
  if (count > 0) await clearDraft(documentId);
}

/** Queues a document again from `stage`; returns the updated document. */
export async function requeueDocument(documentId: string, stage: Stage): Promise<Document> {
  const updated = await prisma.document.update({ where: { id: documentId }, data: requeueUpdate(stage) });
  announce(updated);
  return updated;
}

/** Stops a queued or running document; false when it was neither. */
export async function cancelDocumentState(documentId: string): Promise<boolean> {
  const { count } = await prisma.document.updateMany({
    where: { id: documentId, status: { in: ACTIVE } },
    data: cancelUpdate(new Date()),
  });
  if (count > 0) metrics().documents.inc({ status: "cancelled" });
  const updated = count > 0 ? await prisma.document.findUnique({ where: { id: documentId } }) : null;
  if (updated) announce(updated);
  if (count > 0) await clearDraft(documentId);
  return count > 0;
}

/**
 * A throttled reporter of progress inside a stage, with what the stage is doing now ("part 3 of
 * 9", sent but not stored): frequent events, rarer database writes.
 */
export function progressReporter(document: Document, stage: Stage): (fraction: number, detail?: string) => Promise<void> {
  const throttle = new ProgressThrottle(EMIT_EVERY_MS, PERSIST_EVERY_MS, Date.now());
  // Never below where the bar already is: a retried attempt starts its work again from nothing,
  // and the bar stays put until the new attempt passes the old one.
  let highest = document.stage === stage ? document.progress : 0;
  return async (fraction: number, detail?: string) => {
    highest = Math.max(highest, overallProgress(stage, fraction));
    const progress = highest;
    const { emit, persist } = throttle.next(progress, Date.now(), detail);
    if (!emit) return;
    announce({ ...document, status: "processing", stage, progress, error: null, errorRetryable: null }, detail);
    if (persist) {
      await prisma.document.updateMany({ where: { id: document.id, status: "processing", stage }, data: { progress } });
    }
  };
}
