/**
 * Runs one document stage: finds the document (a deleted, stopped or already advanced one is
 * discarded), starts the stage, runs its handler, and commits its output, or its failure, through
 * the pipeline's state transitions. Handlers only compute; this runner owns every transition.
 */
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { prisma } from "@/lib/db";
import type { Document, Prisma } from "@/lib/generated/prisma/client";
import { addLogContext, logger } from "@/lib/logger";
import { observeStage, observeStageWait } from "@/lib/metrics";
import { completeStage, failDocument, isLaterStage, progressReporter, startStage, type Stage } from "@/lib/pipeline";
import { lastStageEnd, recordStageEnd, recordStageStart, type StageOutcome } from "@/lib/stage-runs";
import { STAGE_HANDLERS } from "@/jobs/registry";
import { classifyFailure } from "./stage-failure";

/** The document a stage job is for, or null when the job is to be discarded. */
async function findDocument(job: Job, stage: Stage, documentId: string): Promise<Document | null> {
  const document = await prisma.document.findUnique({ where: { id: documentId } });
  if (!document) {
    logger.info("discarded job of a deleted document", { jobId: job.id, documentId });
    return null;
  }
  // Cancelled or finished meanwhile (a failed one may still be retried by its own job).
  if (document.status === "cancelled" || document.status === "done") return null;
  if (isLaterStage(document.stage, stage)) return null;
  return document;
}

/** Runs a stage job's handler and commits its result; throws what BullMQ should see. */
export async function runStage(
  job: Job,
  stage: Stage,
  { documentId }: { documentId: string },
  signal: AbortSignal,
  worker?: Pick<Worker, "rateLimit">,
): Promise<void> {
  const document = await findDocument(job, stage, documentId);
  if (!document) return;
  addLogContext({ ownerId: document.ownerId });
  const handler = STAGE_HANDLERS[stage];
  const attempt = job.attemptsMade + 1;
  let runId: string | undefined;
  const startedMs = Date.now();
  const end = async (outcome: StageOutcome, message?: string) => {
    if (runId) observeStage(stage, outcome, startedMs);
    await recordStageEnd(runId, outcome, message);
  };
  try {
    const times = { timestamp: job.timestamp, processedOn: job.processedOn ?? startedMs, delay: job.delay, attemptsMade: job.attemptsMade };
    observeStageWait(stage, { ...times, lastRunEnd: await lastStageEnd(documentId) });
    const started = await startStage(document, stage);
    runId = await recordStageStart(documentId, stage, attempt);
    let committed = false;
    const complete = async (output: Prisma.DocumentUpdateInput, tx?: Prisma.TransactionClient) => {
      await completeStage(started, stage, output, tx);
      committed = true;
    };
    const result = await handler.handle({
      document: started,
      signal,
      reportProgress: progressReporter(started, stage),
      complete,
    });
    if (!committed) await completeStage(started, stage, result.output ?? {});
    await end("done", result.note);
  } catch (error) {
    const attempts = job.opts.attempts ?? 1;
    const outcome = classifyFailure(error, {
      stage,
      attempt,
      attempts,
      aborted: signal.aborted,
      canPauseQueue: worker !== undefined,
    });
    switch (outcome.kind) {
      case "stale":
        logger.info("discarded a stage result of a changed document", { jobId: job.id, documentId });
        await end("discarded");
        return;
      case "cancelled":
        await end("cancelled");
        throw new UnrecoverableError(`job ${job.id} was cancelled`);
      case "rate-limited":
        logger.warn("AI rate limited; pausing the queue", { jobId: job.id, documentId, stage, retryAfterMs: outcome.error.retryAfterMs });
        await end("retry", outcome.error.message);
        await worker!.rateLimit(outcome.error.retryAfterMs);
        throw Worker.RateLimitError();
      case "retry":
        logger.warn("stage failed", { jobId: job.id, documentId, stage, attempt, attempts, error: outcome.error.message });
        await end("retry", outcome.error.message);
        throw outcome.error;
    }
    const { error: err, failure } = outcome;
    // A bad document is the owner's news, not the operator's emergency.
    logger[failure.retryable ? "error" : "info"]("stage failed", { jobId: job.id, documentId, stage, attempt, attempts, error: err.message });
    await end("failed", err.message);
    await failDocument(documentId, stage, failure);
    throw err instanceof UnrecoverableError ? err : new UnrecoverableError(err.message);
  }
}
