/**
 * The database is the truth. The reconciler finds documents the database calls queued or
 * processing whose current stage has no live job (a crash between commit and enqueue, a flushed
 * Redis, a job removed by hand) and enqueues them again from that stage.
 */
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { ACTIVE_STATUSES, enqueueDocument, failDocument, removeDocumentJobs, stageJobId, stageQueue } from "@/lib/pipeline";
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

export const reconcile: TaskHandler = {
  async handle() {
    return { requeued: await reconcileDocuments() };
  },
};
