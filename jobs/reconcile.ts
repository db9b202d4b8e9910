/**
 * The database is the truth. The reconciler finds documents the database calls queued or
 * processing whose current stage has no live job (a crash between commit and enqueue, a flushed
 * Redis, a job removed by hand) and enqueues them again from that stage; and libraries whose
 * latest statistics were never fully applied while no re-embedding job is live, whose
 * re-embedding it queues again (it resumes where it stopped).
 */
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { ACTIVE_STATUSES, enqueueDocument, failDocument, removeDocumentJobs, stageJobId, stageQueue } from "@/lib/pipeline";
import { reembedJobId } from "@/lib/pipeline/table";
import { enqueueTask, taskQueue } from "@/lib/pipeline/tasks";
import { PRIORITY, queue } from "@/lib/queues";
import type { TaskHandler } from "./handler";

const LIVE_STATES = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);
const BATCH = 500;

/** Re-enqueues unfinished documents without a live job; returns how many it re-enqueued. */
export async function reconcileDocuments(staleAfterMs = env.RECONCILE_STALE_AFTER_MS): Promise<number> {
  const stale = await prisma.document.findMany({
    where: { status: { in: [...ACTIVE_STATUSES] }, updatedAt: { lt: new Date(Date.now() - staleAfterMs) } },
    select: { id: true, stage: true },
    orderBy: { updatedAt: "asc" },
    take: BATCH,
  });
  let requeued = 0;
  for (const doc of stale) {
    const job = await queue(stageQueue(doc.stage)).getJob(stageJobId(doc.id, doc.stage));
    const state = job ? await job.getState() : "missing";
    if (LIVE_STATES.has(state)) continue;
    if (state === "failed" && job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      // BullMQ gave up on it (for example it stalled too often): say so rather than loop.
      await failDocument(doc.id, doc.stage, {
        message: "Processing was interrupted too many times. You can retry it.",
        code: "interrupted",
        retryable: true,
      });
      continue;
    }
    if ((await removeDocumentJobs(doc.id)) > 0) continue;
    await enqueueDocument(doc.id, { from: doc.stage, priority: PRIORITY.bulk });
    await prisma.document.update({ where: { id: doc.id }, data: { updatedAt: new Date() } });
    logger.warn("reconciler re-enqueued a document", { documentId: doc.id, stage: doc.stage, jobState: state });
    requeued += 1;
  }
  return requeued;
}

/**
 * Queues again the re-embedding of libraries whose latest statistics are unfinished and whose
 * re-embedding job is not live: it failed for good, or was lost with Redis. Returns how many.
 */
export async function reconcileLibraries(staleAfterMs = env.RECONCILE_STALE_AFTER_MS): Promise<number> {
  const unfinished = await prisma.$queryRaw<{ ownerId: string; version: number }[]>`
    SELECT s."ownerId", s."version" FROM "LibraryStatistics" s
    WHERE s."finishedAt" IS NULL AND s."createdAt" < ${new Date(Date.now() - staleAfterMs)}
      AND NOT EXISTS (SELECT 1 FROM "LibraryStatistics" n WHERE n."ownerId" = s."ownerId" AND n."version" > s."version")
    LIMIT ${BATCH}`;
  let requeued = 0;
  for (const { ownerId, version } of unfinished) {
    const jobId = reembedJobId(ownerId, version);
    const job = await queue(taskQueue("reembed")).getJob(jobId);
    const state = job ? await job.getState() : "missing";
    if (LIVE_STATES.has(state)) continue;
    // It may have finished since the rows were read.
    const row = await prisma.libraryStatistics.findUnique({ where: { ownerId_version: { ownerId, version } }, select: { finishedAt: true } });
    if (row?.finishedAt) continue;
    // A job kept after it ended holds its id: it goes, so that the id can be queued anew.
    await job?.remove();
    await enqueueTask("reembed", { ownerId }, jobId);
    logger.warn("reconciler re-queued a library's re-embedding", { ownerId, version, jobState: state });
    requeued += 1;
  }
  return requeued;
}

export const reconcile: TaskHandler = {
  async handle() {
    return { requeued: await reconcileDocuments(), libraries: await reconcileLibraries() };
  },
};
