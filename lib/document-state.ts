/**
 * A document's processing state moves forward here, in the database first and then to the
 * owner's browsers. Stage outputs are written in the same update that advances the state.
 */
import type { Document, DocumentStatus, Prisma } from "./generated/prisma/client";
import { STAGES, STAGE_RANGES, overallProgress, type Stage } from "./events";
import { prisma } from "./db";
import { publishProgress } from "./progress";

const EMIT_EVERY_MS = 200;
const PERSIST_EVERY_MS = 1_000;

const ACTIVE: DocumentStatus[] = ["queued", "processing"];

/** The document was cancelled, deleted or restarted while a stage ran: its result is dropped. */
export class StaleDocumentError extends Error {
  constructor(documentId: string) {
    super(`document ${documentId} changed while its stage ran`);
    this.name = "StaleDocumentError";
  }
}

function isRecordNotFound(error: unknown): boolean {
  return (error as { code?: string })?.code === "P2025";
}

function nextStage(stage: Stage): Stage | null {
  return STAGES[STAGES.indexOf(stage) + 1] ?? null;
}

/** Sends a document's current state to every browser of its owner. */
export function announceState(doc: Pick<Document, "id" | "ownerId" | "status" | "stage" | "progress" | "error">): void {
  publishProgress(doc.ownerId, {
    id: doc.id,
    status: doc.status,
    stage: doc.stage,
    progress: doc.progress,
    error: doc.error,
  });
}

/** Marks a stage as running; returns the updated document. */
export async function startStage(document: Document, stage: Stage): Promise<Document> {
  const updated = await prisma.document
    .update({
      where: { id: document.id, status: { in: ACTIVE } },
      data: {
        status: "processing",
        stage,
        progress: Math.max(STAGE_RANGES[stage][0], stage === document.stage ? document.progress : 0),
        error: null,
        startedAt: document.startedAt ?? new Date(),
      },
    })
    .catch((error: unknown) => {
      throw isRecordNotFound(error) ? new StaleDocumentError(document.id) : error;
    });
  announceState(updated);
  return updated;
}

/** Stores a stage's output and moves the document to the next stage, or to done after the last. */
export async function completeStage(
  document: Document,
  stage: Stage,
  output: Prisma.DocumentUpdateInput,
  tx: Prisma.TransactionClient = prisma,
): Promise<Document> {
  const next = nextStage(stage);
  const updated = await tx.document
    .update({
      // Only a document still processing this stage takes the result.
      where: { id: document.id, status: "processing", stage },
      data: next
        ? { ...output, stage: next, progress: STAGE_RANGES[stage][1] }
        : { ...output, status: "done", progress: 100, finishedAt: new Date() },
    })
    .catch((error: unknown) => {
      throw isRecordNotFound(error) ? new StaleDocumentError(document.id) : error;
    });
  announceState(updated);
  return updated;
}

/** Marks a document failed at a stage with a message written for its owner. */
export async function failDocument(documentId: string, stage: Stage, message: string): Promise<void> {
  const { count } = await prisma.document.updateMany({
    where: { id: documentId, status: { in: ACTIVE } },
    data: { status: "failed", stage, error: message, finishedAt: new Date() },
  });
  const updated = count > 0 ? await prisma.document.findUnique({ where: { id: documentId } }) : null;
  if (updated) announceState(updated);
}

/** A throttled reporter of progress inside a stage: frequent events, rarer database writes. */
export function progressReporter(document: Document, stage: Stage): (fraction: number) => Promise<void> {
  let lastEmit = 0;
  let lastPersist = Date.now();
  let lastProgress = -1;
  return async (fraction: number) => {
    const progress = overallProgress(stage, fraction);
    const now = Date.now();
    if (progress === lastProgress || now - lastEmit < EMIT_EVERY_MS) return;
    lastEmit = now;
    lastProgress = progress;
    announceState({ ...document, status: "processing", stage, progress, error: null });
    if (now - lastPersist >= PERSIST_EVERY_MS) {
      lastPersist = now;
      await prisma.document.updateMany({
        where: { id: document.id, status: "processing", stage },
        data: { progress },
      });
    }
  };
}
