/**
 * The worker process: one BullMQ Worker per selected queue, an error listener on each, and a
 * graceful shutdown on SIGTERM/SIGINT that lets running jobs finish.
 */
import { Worker } from "bullmq";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { closeProgress } from "@/lib/progress";
import { BACKOFF_TYPE, polynomialBackoff, QUEUES } from "@/lib/queues";
import { createWorkerConnection } from "@/lib/redis";
import { QUEUE_SETTINGS, selectedQueues } from "./config";
import { runStage } from "./run-stage";

const SHUTDOWN_TIMEOUT_MS = 30_000;

function startWorkers(): Worker[] {
  const queues = selectedQueues(process.argv.slice(2), env.WORKER_QUEUES);
  return queues.map((name) => {
    const worker = new Worker(QUEUES[name], runStage, {
      ...QUEUE_SETTINGS[name],
      connection: createWorkerConnection(),
      prefix: env.QUEUE_PREFIX,
      settings: {
        backoffStrategy: (attemptsMade, type) => (type === BACKOFF_TYPE ? polynomialBackoff(attemptsMade) : 0),
      },
    });
    worker.on("error", (error) => logger.error("worker error", { queue: name, error: error.message }));
    worker.on("failed", (job, error) =>
      logger.debug("job failed", { queue: name, jobId: job?.id, attemptsMade: job?.attemptsMade, error: error.message }),
    );
    return worker;
  });
}

async function main() {
  const workers = startWorkers();
  logger.info("worker started", { queues: workers.map((w) => w.name), pid: process.pid });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info("worker stopping", { signal });
    const timer = setTimeout(() => {
      logger.warn("worker shutdown timed out; exiting with jobs still held");
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS);
    await Promise.all(workers.map((worker) => worker.close()));
    await Promise.all([closeProgress(), prisma.$disconnect()]);
    clearTimeout(timer);
    logger.info("worker stopped");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

main().catch((error: Error) => {
  logger.error("worker failed to start", { error: error.message });
  process.exit(1);
});
