/**
 * The processor of every queue: looks the job up in the job table, validates its payload and
 * hands it to the stage runner or the task's handler. Only what the table does not know (or a
 * job on a queue that is not its own, or a malformed payload) is refused, for good.
 */
import { DelayedError, UnrecoverableError, Worker, type Job } from "bullmq";
import { z } from "zod";
import { AiRateLimitedError } from "@/lib/ai/errors";
import { logger, withLogContext } from "@/lib/logger";
import { jobKind, type QueueName, type TaskName } from "@/lib/pipeline/table";
import { TASK_HANDLERS } from "@/jobs/registry";
import { TASK_CONCURRENCY } from "./config";
import { runStage } from "./run-stage";

/** How long a task waits when its kind has all the slots it may take in this process. */
const TASK_SLOT_WAIT_MS = 250;
/** Tasks of each kind running in this process now. */
const runningTasks = new Map<TaskName, number>();

/** The ids a job's data may carry for its log lines: its document or question, owner, and the request that queued it. */
const jobIds = z.object({ documentId: z.string().max(100), questionId: z.string().max(100), ownerId: z.string().max(100), requestId: z.string().max(100) }).partial();

/**
 * Runs one job taken from `queueName`; given its `worker`, a 429 from the AI API pauses the whole
 * queue. Its log lines carry the job's ids, and one line says how it ended and how long it took.
 */
export async function runJob(queueName: QueueName, job: Job, signal?: AbortSignal, worker?: Pick<Worker, "rateLimit">, token?: string): Promise<unknown> {
  const ids = jobIds.safeParse(job.data ?? {});
  const stage = jobKind(job.name)?.runner === "stage" ? job.name : undefined;
  return withLogContext({ ...(ids.success ? ids.data : {}), jobId: job.id, job: job.name, stage }, async () => {
    const started = Date.now();
    try {
      const result = await runKnownJob(queueName, job, signal, worker, token);
      logger.info("job done", { attempt: job.attemptsMade + 1, durationMs: Date.now() - started });
      return result;
    } catch (error) {
      logger.debug("job ended with an error", { attempt: job.attemptsMade + 1, durationMs: Date.now() - started, error: (error as Error)?.message });
      throw error;
    }
  });
}

async function runKnownJob(queueName: QueueName, job: Job, signal?: AbortSignal, worker?: Pick<Worker, "rateLimit">, token?: string): Promise<unknown> {
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
  if (kind.runner === "task") return runTask(job, kind.task, payload.data, jobSignal, worker, token);
  await runStage(job, kind.stage, payload.data as { documentId: string }, jobSignal, worker);
  return undefined;
}

/**
 * Runs a task's handler; a 429 from the AI API pauses the whole queue and puts the job back, its
 * attempt kept. A task whose kind already has all the slots it may take here (TASK_CONCURRENCY)
 * waits a moment in the delayed set instead, leaving the slot to the queue's other jobs.
 */
async function runTask(job: Job, task: TaskName, payload: unknown, signal: AbortSignal, worker?: Pick<Worker, "rateLimit">, token?: string): Promise<unknown> {
  const limit = TASK_CONCURRENCY[task];
  const running = runningTasks.get(task) ?? 0;
  if (limit !== undefined && running >= limit && token) {
    await job.moveToDelayed(Date.now() + TASK_SLOT_WAIT_MS, token);
    throw new DelayedError();
  }
  runningTasks.set(task, running + 1);
  try {
    return await TASK_HANDLERS[task].handle(payload, signal, { attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1 });
  } catch (error) {
    if (!(error instanceof AiRateLimitedError) || !worker) throw error;
    logger.warn("AI rate limited; pausing the queue", { jobId: job.id, task, retryAfterMs: error.retryAfterMs });
    await worker.rateLimit(error.retryAfterMs);
    throw Worker.RateLimitError();
  } finally {
    runningTasks.set(task, (runningTasks.get(task) ?? 1) - 1);
  }
}
