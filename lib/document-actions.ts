/**
 * What a person can do to a document besides uploading it: cancel, retry, re-run (now or at a
 * given time) and delete. Each checks that the action applies (409 otherwise) and answers the
 * document's new state.
 */
import type { DocumentDetail } from "./document-types";
import { STAGE_RANGES } from "./events";
import { prisma } from "./db";
import { announceState } from "./document-state";
import { getDocumentDetail, isDocumentId } from "./documents";
import { HttpError, NotFoundError } from "./http";
import { requestCancel } from "./cancellation";
import { publishDeleted } from "./progress";
import { remove } from "./storage";
import { enqueueDocument, removeDocumentJobs } from "@/jobs/flow";
import { PRIORITY } from "./queues";

export class ConflictError extends HttpError {
  constructor(message: string) {
    super(409, message);
  }
}

async function findOwned(ownerId: string, id: string) {
  const document = isDocumentId(id) ? await prisma.document.findFirst({ where: { id, ownerId }, omit: { text: true, vector: true } }) : null;
  if (!document) throw new NotFoundError();
  return document;
}

/** Stops a queued or running document: waiting jobs are removed, running ones aborted. */
export async function cancelDocument(ownerId: string, id: string): Promise<DocumentDetail> {
  const document = await findOwned(ownerId, id);
  const { count } = await prisma.document.updateMany({
    where: { id, status: { in: ["queued", "processing"] } },
    data: { status: "cancelled", error: null, finishedAt: new Date() },
  });
  if (count === 0) throw new ConflictError(`Only a queued or running document can be cancelled; this one is ${document.status}.`);
  await removeDocumentJobs(id);
  await requestCancel(id);
  const detail = await getDocumentDetail(ownerId, id);
  announceState({ ...detail, ownerId });
  return detail;
}

/** Runs a failed or cancelled document again from the stage where it stopped, keeping earlier stages' output. */
export async function retryDocument(ownerId: string, id: string): Promise<DocumentDetail> {
  const document = await findOwned(ownerId, id);
  if (document.status !== "failed" && document.status !== "cancelled") {
    throw new ConflictError(`Only a failed or cancelled document can be retried; this one is ${document.status}.`);
  }
  await restart(ownerId, id, document.stage, 0);
  return getDocumentDetail(ownerId, id);
}

/** Runs a finished document's whole chain again, now or at `at` (for example after changing the provider). */
export async function reprocessDocument(ownerId: string, id: string, at?: Date): Promise<DocumentDetail> {
  const document = await findOwned(ownerId, id);
  if (document.status === "queued" || document.status === "processing") {
    throw new ConflictError("This document is already being processed.");
  }
  const delay = at ? Math.max(0, at.getTime() - Date.now()) : 0;
  await restart(ownerId, id, "extract", delay);
  return getDocumentDetail(ownerId, id);
}

async function restart(ownerId: string, id: string, stage: DocumentDetail["stage"], delay: number) {
  if ((await removeDocumentJobs(id)) > 0) throw new ConflictError("This document's last run is still stopping; try again in a moment.");
  const updated = await prisma.document.update({
    where: { id },
    data: { status: "queued", stage, progress: STAGE_RANGES[stage][0], error: null, finishedAt: null },
  });
  await enqueueDocument(id, { from: stage, delay, priority: PRIORITY.interactive });
  announceState(updated);
}

/** Deletes a document: its jobs, its row (and so its place in other documents' similar lists), and its file. */
export async function deleteDocument(ownerId: string, id: string): Promise<void> {
  const document = await findOwned(ownerId, id);
  await prisma.document.delete({ where: { id } });
  await removeDocumentJobs(id);
  await requestCancel(id);
  await remove(document.storageKey);
  publishDeleted(ownerId, id);
}
