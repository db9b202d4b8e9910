/**
 * The database is the truth. The reconciler finds documents the database calls queued or
 * processing whose current stage has no live job (a crash between commit and enqueue, a flushed
 * Redis, a job removed by hand) and enqueues them again from that stage.
 */
import { prisma } from "@/lib/db";
import { failDocument } from "@/lib/document-state";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { PRIORITY, queue } from "@/lib/queues";
import { enqueueDocument, removeDocumentJobs } from "@/jobs/flow";
import { STAGE_JOBS } from "@/jobs/registry";
import { stageJobId } from "@/jobs/stage";

const LIVE_STATES = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);
const BATCH = 500;

export const RECONCILE_JOB = "reconcile";

/** Re-enqueues unfinished documents without a live job; returns how many it re-enqueued. */
export async function reconcile(staleAfterMs = env.RECONCILE_STALE_AFTER_MS): Promise<number> {
  const stale = await prisma.document.findMany({
    where: { status: { in: ["queued", "processing"] }, updatedAt: { lt: new Date(Date.now() - staleAfterMs) } },
    select: { id: true, stage: true },
    orderBy: { updatedAt: "asc" },
    take: BATCH,
  });
  let requeued = 0;
  for (const doc of stale) {
    const job = await queue(STAGE_JOBS[doc.stage].queue).getJob(stageJobId(doc.id, doc.stage));
    const state = job ? await job.getState() : "missing";
    if (LIVE_STATES.has(state)) continue;
    if (state === "failed" && job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      // BullMQ gave up on it (for example it stalled too often): say so rather than loop.
      await failDocument(doc.id, doc.stage, "Processing was interrupted too many times. You can retry it.");
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
