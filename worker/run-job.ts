/**
 * The processor of every queue: looks the job up in the job table, validates its payload and
 * hands it to the stage runner or the task's handler. Only what the table does not know (or a
 * job on a queue that is not its own, or a malformed payload) is refused, for good.
 */
import { UnrecoverableError, Worker, type Job } from "bullmq";
import { AiRateLimitedError } from "@/lib/ai/errors";
import { logger } from "@/lib/logger";
import { jobKind, type QueueName, type TaskName } from "@/lib/pipeline/table";
import { TASK_HANDLERS } from "@/jobs/registry";
import { runStage } from "./run-stage";

/** Runs one job taken from `queueName`; given its `worker`, a 429 from the AI API pauses the whole queue. */
export async function runJob(queueName: QueueName, job: Job, signal?: AbortSignal, worker?: Pick<Worker, "rateLimit">): Promise<unknown> {
  const kind = jobKind(job.name);
  if (!kind || kind.queue !== queueName) {
    logger.error("discarded a job the job table does not know on this queue", { jobId: job.id, name: job.name, queue: queueName });
    throw new UnrecoverableError(`unknown job "${job.name}" on queue ${queueName}`);
  }
  const payload = kind.payload.safeParse(job.data);
  if (!payload.success) {
    const problems = payload.error.issues.map((issue) => `${issue.path.join(".") || "data"}: ${issue.message}`).join("; ");
    logger.error("discarded a job with an invalid payload", { jobId: job.id, name: job.name, problems });
    throw new UnrecoverableError(`invalid payload for job ${job.id}: ${problems}`);
  }
  const jobSignal = signal ?? new AbortController().signal;
  if (kind.runner === "task") return runTask(job, kind.task, payload.data, jobSignal, worker);
  await runStage(job, kind.stage, payload.data as { documentId: string }, jobSignal, worker);
  return undefined;
}

/** Runs a task's handler; a 429 from the AI API pauses the whole queue and puts the job back, its attempt kept. */
async function runTask(job: Job, task: TaskName, payload: unknown, signal: AbortSignal, worker?: Pick<Worker, "rateLimit">): Promise<unknown> {
  try {
    return await TASK_HANDLERS[task].handle(payload, signal, { attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1 });
  } catch (error) {
    if (!(error instanceof AiRateLimitedError) || !worker) throw error;
    logger.warn("AI rate limited; pausing the queue", { jobId: job.id, task, retryAfterMs: error.retryAfterMs });
    await worker.rateLimit(error.retryAfterMs);
    throw Worker.RateLimitError();
  }
}
