/**
 * The worker process: one BullMQ Worker per selected queue, an error listener on each, running
 * jobs aborted on request, the scheduled tasks of the job table, and a graceful shutdown on
 * SIGTERM/SIGINT that lets running jobs finish (or hands them back) within a time limit.
 */
import { Worker } from "bullmq";
import { onCancelRequest } from "@/lib/cancellation";
import { closeAll } from "@/lib/connections";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { startMetricsReports } from "@/lib/metrics";
import { STAGES, stageJobId, type QueueName, type TaskName } from "@/lib/pipeline/table";
import { BACKOFF_TYPE, polynomialBackoff, queue } from "@/lib/queues";
import { createBlockingConnection } from "@/lib/redis";
import { questionJobId } from "@/lib/questions";
import { queueSearchIndexingWhereNeeded } from "@/lib/search";
import { fileStorage } from "@/lib/storage";
import { concurrency, MAX_STALLED_COUNT, selectedQueues } from "./config";
import { runJob } from "./run-job";

/** The job table's tasks that run on a schedule: the reconciler, and the storage sweep (hourly). */
const RECONCILE_JOB: TaskName = "reconcile";
const SWEEP_JOB: TaskName = "sweep";
const SWEEP_EVERY_MS = 60 * 60 * 1000;

function startWorker(name: QueueName): Worker {
  const connection = createBlockingConnection();
  const worker: Worker = new Worker(name, (job, token, signal) => runJob(name, job, signal, worker, token), {
    concurrency: concurrency(env.NODE_ENV, name),
    lockDuration: env.WORKER_LOCK_DURATION_MS,
    stalledInterval: env.WORKER_STALLED_INTERVAL_MS,
    maxStalledCount: MAX_STALLED_COUNT,
    connection,
    prefix: env.QUEUE_PREFIX,
    // BullMQ honours worker.rateLimit() (the pause after a 429) only on a worker with a limiter.
    // Set at the request limit: a job sends at least one request, so the request limiter binds first.
    ...(name === "ai" && env.AI_PROVIDER === "openai" ? { limiter: { max: env.AI_REQUESTS_PER_MINUTE, duration: 60_000 } } : {}),
    settings: {
      backoffStrategy: (attemptsMade, type) => (type === BACKOFF_TYPE ? polynomialBackoff(attemptsMade) : 0),
    },
  });
  worker.on("error", (error) => logger.error("worker error", { queue: name, error: error.message }));
  worker.on("failed", (job, error) =>
    logger.debug("job failed", { queue: name, jobId: job?.id, attemptsMade: job?.attemptsMade, error: error.message }),
  );
  worker.on("closed", () => connection.disconnect());
  return worker;
}

async function main() {
  const names = selectedQueues(process.argv.slice(2), env.WORKER_QUEUES);
  const workers: Worker[] = [];
  let scheduler: NodeJS.Timeout | undefined;
  let stopListening = async () => {};

  // Signals are handled from the first moment, so a stop during start-up is graceful too.
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("worker stopping", { signal });
    clearInterval(scheduler);
    // Let running jobs finish; past the time limit, hand them back (another worker's stalled
    // check picks them up) and exit all the same.
    const graceful = Promise.all(workers.map((worker) => worker.close()));
    const timedOut = await Promise.race([
      graceful.then(() => false),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(true), env.WORKER_SHUTDOWN_TIMEOUT_MS).unref()),
    ]);
    if (timedOut) {
      logger.warn("worker shutdown timed out; releasing running jobs");
      await Promise.all(workers.map((worker) => worker.close(true)));
    }
    await stopListening();
    await closeAll();
    logger.info("worker stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));

  startMetricsReports("worker");
  workers.push(...names.map(startWorker));
  // The reconciler's schedule lives in Redis; upserting it again now and then brings it back
  // after Redis lost its data (the very case the reconciler exists for).
  const schedule = () =>
    Promise.all([
      queue("maintenance").upsertJobScheduler(RECONCILE_JOB, { every: env.RECONCILE_EVERY_MS }, { name: RECONCILE_JOB }),
      queue("maintenance").upsertJobScheduler(SWEEP_JOB, { every: SWEEP_EVERY_MS }, { name: SWEEP_JOB }),
    ]).catch((error: Error) => logger.warn("could not schedule the maintenance tasks", { error: error.message }));
  if (names.includes("maintenance")) {
    scheduler = setInterval(() => void schedule(), env.RECONCILE_EVERY_MS * 5);
    await schedule();
    // And a sweep at start-up: what a crash left behind goes now, not in an hour.
    await queue("maintenance")
      .add(SWEEP_JOB, {}, { removeOnComplete: 100, removeOnFail: 100 })
      .catch((error: Error) => logger.warn("could not start the storage sweep", { error: error.message }));
    // Documents from before search, or indexed in another SEARCH_LANGUAGE, are indexed in the background.
    await queueSearchIndexingWhereNeeded().catch((error: Error) => logger.warn("could not queue search indexing", { error: error.message }));
  }
  // A cancel names a document (its stage jobs stop) or a question (its answer stops).
  stopListening = await onCancelRequest(createBlockingConnection(), (id) => {
    for (const worker of workers) {
      for (const stage of STAGES) worker.cancelJob(stageJobId(id, stage), "cancelled by its owner");
      worker.cancelJob(questionJobId(id), "cancelled by its owner");
    }
  });
  // The storage named here must be the one the web processes use, or documents fail as missing files.
  const storage = fileStorage();
  await storage.check().catch((error: Error) => logger.error("file storage is unreachable", { driver: storage.driver, location: storage.location, error: error.message }));
  logger.info("worker started", { queues: names, pid: process.pid, storage: storage.driver, storageLocation: storage.location, redis: env.REDIS_CLUSTER_NODES ? "cluster" : "server" });
}

main().catch((error: Error) => {
  logger.error("worker failed to start", { error: error.message });
  process.exit(1);
});
