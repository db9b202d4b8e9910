/**
 * The processor every stage job goes through: validate the payload, find the document (a
 * deleted or cancelled one is discarded), run the stage, and on a failure no retry can fix,
 * fail the document with a message for its owner.
 */
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { AiRateLimitedError } from "@/lib/ai/errors";
import { STAGES, STAGE_LABELS, type Stage } from "@/lib/events";
import { prisma } from "@/lib/db";
import { failDocument, progressReporter, StaleDocumentError, startStage } from "@/lib/document-state";
import { logger } from "@/lib/logger";
import { DocumentError } from "@/lib/parsing/errors";
import { recordStageEnd, recordStageStart } from "@/lib/stage-runs";
import { STAGE_JOBS } from "@/jobs/registry";
import { documentJobSchema } from "@/jobs/stage";

/** Runs one stage job; given its `worker`, a 429 from the AI API pauses the whole queue. */
export async function runStage(job: Job, _token?: string, signal?: AbortSignal, worker?: Pick<Worker, "rateLimit">): Promise<void> {
  // Parse the payload and find the handler.
  const payload = documentJobSchema.safeParse(job.data);
  if (!payload.success) {
    const problems = payload.error.issues.map((issue) => `${issue.path.join(".") || "data"}: ${issue.message}`).join("; ");
    logger.error("discarded a job with an invalid payload", { jobId: job.id, name: job.name, problems });
    throw new UnrecoverableError(`invalid payload for job ${job.id}: ${problems}`);
  }
  const stage = job.name as Stage;
  const stageJob = Object.hasOwn(STAGE_JOBS, stage) ? STAGE_JOBS[stage] : undefined;
  if (!stageJob) {
    logger.error("discarded a job of an unknown stage", { jobId: job.id, name: job.name });
    throw new UnrecoverableError(`unknown stage job "${job.name}"`);
  }
  const { documentId } = payload.data;

  // Discard work for documents that are gone, stopped, or already past this stage.
  const document = await prisma.document.findUnique({ where: { id: documentId } });
  if (!document) {
    logger.info("discarded job of a deleted document", { jobId: job.id, documentId });
    return;
  }
  if (document.status === "cancelled" || document.status === "done") return;
  if (STAGES.indexOf(document.stage) > STAGES.indexOf(stage)) return;

  let runId: string | undefined;
  let timeLimit: AbortSignal | undefined;
  try {
    const started = await startStage(document, stage);
    runId = await recordStageStart(documentId, stage, job.attemptsMade + 1);
    // The stage's own time limit, on top of the job's abort (cancel, shutdown).
    timeLimit = stageJob.timeLimit ? AbortSignal.timeout(stageJob.timeLimit.ms) : undefined;
    const jobSignal = signal ?? new AbortController().signal;
    const outcome = await stageJob.handle({
      document: started,
      signal: timeLimit ? AbortSignal.any([jobSignal, timeLimit]) : jobSignal,
      reportProgress: progressReporter(started, stage),
    });
    await recordStageEnd(runId, "done", outcome?.note);
  } catch (error) {
    let err = error as Error;
    // Cancelled, deleted or restarted meanwhile: drop this run's result, quietly.
    if (err instanceof StaleDocumentError) {
      logger.info("discarded a stage result of a changed document", { jobId: job.id, documentId });
      await recordStageEnd(runId, "discarded");
      return;
    }
    if (signal?.aborted) {
      await recordStageEnd(runId, "cancelled");
      throw new UnrecoverableError(`job ${job.id} was cancelled`);
    }
    if (timeLimit?.aborted && stageJob.timeLimit) err = new DocumentError(stageJob.timeLimit.message, { cause: err });
    // The API asked us to wait: pause the queue for every worker and put the job back, attempt kept.
    if (err instanceof AiRateLimitedError && worker) {
      logger.warn("AI rate limited; pausing the queue", { jobId: job.id, documentId, stage, retryAfterMs: err.retryAfterMs });
      await recordStageEnd(runId, "retry", err.message);
      await worker.rateLimit(err.retryAfterMs);
      throw Worker.RateLimitError();
    }
    const attempts = job.opts.attempts ?? 1;
    const final = err instanceof DocumentError || err instanceof UnrecoverableError || job.attemptsMade + 1 >= attempts;
    // A bad document is the owner's news, not the operator's emergency.
    const level = err instanceof DocumentError ? "info" : final ? "error" : "warn";
    logger[level]("stage failed", {
      jobId: job.id,
      documentId,
      stage,
      attempt: job.attemptsMade + 1,
      attempts,
      error: err.message,
    });
    await recordStageEnd(runId, final ? "failed" : "retry", err.message);
    if (!final) throw err;
    await failDocument(documentId, stage, ownerMessage(err, stage, job.attemptsMade + 1));
    throw err instanceof UnrecoverableError ? err : new UnrecoverableError(err.message);
  }
}

function ownerMessage(error: Error, stage: Stage, attempts: number): string {
  // Errors written for the owner carry `userMessage` (DocumentError, AI provider errors).
  const userMessage = (error as { userMessage?: unknown }).userMessage;
  if (typeof userMessage === "string" && userMessage) return userMessage;
  const tries = attempts === 1 ? "" : ` after ${attempts} attempts`;
  return `Processing stopped at the "${STAGE_LABELS[stage]}" stage${tries}. You can try again later.`;
}
