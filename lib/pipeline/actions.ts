/**
 * What a person can do to a document besides uploading it: cancel, retry, re-run (now or at a
 * given time), delete (to the trash), restore and purge. Each checks that the action applies (ConflictError otherwise) and
 * answers the document's new state. A retry or re-run counts against the owner's upload rate.
 */
import { clearDraft } from "@/lib/ai/summary-draft";
import { requestCancel } from "@/lib/cancellation";
import { prisma } from "@/lib/db";
import type { DocumentDetail } from "@/lib/document-types";
import { getDocumentDetail } from "@/lib/documents";
import { ConflictError, NotFoundError } from "@/lib/errors";
import { PRIORITY } from "@/lib/queues";
import { lockOwner } from "@/lib/similarity/find-similar";
import { fileStorage } from "@/lib/storage";
import { expiredTrash, moveToTrash, removeFromTrash, restoreFromTrash, trashCutoff } from "@/lib/trash";
import { takeRerunRate } from "@/lib/upload-rate-limit";
import { enqueueDocument, removeDocumentJobs } from "./flow";
import { isId } from "./ids";
import { isActive, isRetryable } from "./statuses";
import { STAGES, type Stage } from "./table";
import { announce, announceDeleted, cancelDocumentState, requeueDocument } from "./transitions";

async function findOwned(ownerId: string, id: string) {
  const document = isId(id)
    ? await prisma.document.findFirst({ where: { id, ownerId }, select: { status: true, stage: true, storageKey: true } })
    : null;
  if (!document) throw new NotFoundError();
  return document;
}

/** Stops a queued or running document: waiting jobs are removed, running ones aborted. */
export async function cancelDocument(ownerId: string, id: string): Promise<DocumentDetail> {
  const document = await findOwned(ownerId, id);
  if (!(await cancelDocumentState(id))) {
    throw new ConflictError(`Only a queued or running document can be cancelled; this one is ${document.status}.`);
  }
  await removeDocumentJobs(id);
  await requestCancel(id);
  return getDocumentDetail(ownerId, id);
}

/** Runs a failed or cancelled document again from the stage where it stopped, keeping earlier stages' output. */
export async function retryDocument(ownerId: string, id: string): Promise<DocumentDetail> {
  const document = await findOwned(ownerId, id);
  if (!isRetryable(document.status)) {
    throw new ConflictError(`Only a failed or cancelled document can be retried; this one is ${document.status}.`);
  }
  return restart(ownerId, id, document.stage, 0);
}

/** Runs a finished document's whole chain again, now or at `at` (for example after changing the provider). */
export async function reprocessDocument(ownerId: string, id: string, at?: Date): Promise<DocumentDetail> {
  const document = await findOwned(ownerId, id);
  if (isActive(document.status)) throw new ConflictError("This document is already being processed.");
  const delay = at ? Math.max(0, at.getTime() - Date.now()) : 0;
  return restart(ownerId, id, STAGES[0], delay);
}

/**
 * Queues a document again from `stage`; answers its state as queued (read before the chain is
 * enqueued, so a worker that starts at once cannot make the answer show a later state).
 */
async function restart(ownerId: string, id: string, stage: Stage, delay: number): Promise<DocumentDetail> {
  if ((await removeDocumentJobs(id)) > 0) throw new ConflictError("This document's last run is still stopping; try again in a moment.");
  // Processing a file again costs what uploading it again would (TooManyRequestsError past the rate).
  await takeRerunRate(ownerId);
  await requeueDocument(id, stage);
  const queued = await getDocumentDetail(ownerId, id);
  await enqueueDocument(id, { from: stage, delay, priority: PRIORITY.interactive });
  return queued;
}

/**
 * Moves a document to the trash: its jobs stop, its row (and so its place in other documents'
 * similar lists and in search) goes, and its rows and file are kept for a restore.
 */
export async function deleteDocument(ownerId: string, id: string): Promise<void> {
  await findOwned(ownerId, id);
  // Under the owner's lock, like every change to the indexed vectors: the tombstone the delete
  // leaves takes its sequence value in order, so every cached index drops the document.
  const moved = await prisma.$transaction(async (tx) => {
    await lockOwner(tx, ownerId);
    return moveToTrash(tx, ownerId, id);
  });
  if (!moved) throw new NotFoundError();
  await stopJobs(id);
  announceDeleted(ownerId, id);
}

async function stopJobs(id: string): Promise<void> {
  await removeDocumentJobs(id);
  await requestCancel(id);
  await clearDraft(id);
}

/** Brings a trashed document back as it was; one deleted while it was being processed is queued again from its stage. */
export async function restoreDocument(ownerId: string, id: string): Promise<DocumentDetail> {
  const restored = await restoreFromTrash(ownerId, id);
  if (isActive(restored.status)) {
    await requeueDocument(id, restored.stage);
    await enqueueDocument(id, { from: restored.stage, priority: PRIORITY.interactive });
  } else {
    announce(restored);
  }
  return getDocumentDetail(ownerId, id);
}

/** Removes a document for good, from the library or from the trash: its rows, its jobs and its file. */
export async function purgeDocument(ownerId: string, id: string): Promise<void> {
  const trashedKey = await removeFromTrash(ownerId, id);
  if (trashedKey !== null) {
    await fileStorage().remove(trashedKey);
    return;
  }
  const document = await findOwned(ownerId, id);
  await prisma.$transaction(async (tx) => {
    await lockOwner(tx, ownerId);
    await tx.document.delete({ where: { id } });
  });
  await stopJobs(id);
  await fileStorage().remove(document.storageKey);
  announceDeleted(ownerId, id);
}

/** Removes what has been in the trash longer than TRASH_DAYS (the sweep calls it); answers the ids that went. */
export async function purgeExpiredTrash(now = new Date()): Promise<string[]> {
  const purged: string[] = [];
  for (;;) {
    const expired = await expiredTrash(trashCutoff(now), PURGE_BATCH);
    for (const { id, ownerId } of expired) {
      await purgeDocument(ownerId, id);
      purged.push(id);
    }
    if (expired.length < PURGE_BATCH) return purged;
  }
}

const PURGE_BATCH = 100;

export const BULK_ACTIONS = ["retry", "reprocess", "cancel", "delete", "restore", "purge"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

const ACTIONS: Record<BulkAction, (ownerId: string, id: string) => Promise<unknown>> = {
  retry: retryDocument,
  reprocess: reprocessDocument,
  cancel: cancelDocument,
  delete: deleteDocument,
  restore: restoreDocument,
  purge: purgeDocument,
};

/** One id's outcome of a bulk action: done, or the error this id alone would have met. */
export type BulkOutcome = { id: string; ok: true } | { id: string; ok: false; error: unknown };

/** Applies one action to each id on its own, in order; one id's refusal never stops the others. */
export async function bulkAction(ownerId: string, action: BulkAction, ids: readonly string[]): Promise<BulkOutcome[]> {
  const outcomes: BulkOutcome[] = [];
  for (const id of ids) {
    try {
      await ACTIONS[action](ownerId, id);
      outcomes.push({ id, ok: true });
    } catch (error) {
      outcomes.push({ id, ok: false, error });
    }
  }
  return outcomes;
}
