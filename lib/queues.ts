/**
 * The producer-side BullMQ objects and the options every stage job gets. Queue names come from
 * the job table (lib/pipeline/table.ts).
 */
import { FlowProducer, Queue, type JobsOptions } from "bullmq";
import { closeOnExit } from "./connections";
import { env } from "./env";
import type { QueueName } from "./pipeline/table";
import { sharedRedis } from "./redis";

/** BullMQ priorities: lower runs first. A person waiting at the page goes before a bulk import. */
export const PRIORITY = { interactive: 1, bulk: 10 } as const;

export const BACKOFF_TYPE = "polynomial";

/** Active Job's `:polynomially_longer`: attempts^4 + 2 seconds, so about 3 s, 18 s, 83 s, 258 s. */
export function polynomialBackoff(attemptsMade: number): number {
  const jitter = Math.random() * 0.15 * (attemptsMade ** 4 + 2);
  return Math.round((attemptsMade ** 4 + 2 + jitter) * 1000);
}

/** Options every stage job gets: retries with backoff, and a bounded history in Redis. */
export const defaultJobOptions: JobsOptions = {
  attempts: env.JOB_ATTEMPTS,
  backoff: { type: BACKOFF_TYPE },
  removeOnComplete: { age: env.KEEP_JOBS_HOURS * 3600, count: env.KEEP_COMPLETED_JOBS },
  removeOnFail: { age: env.KEEP_JOBS_HOURS * 7 * 3600, count: env.KEEP_FAILED_JOBS },
};

const cache = globalThis as unknown as { flowProducer?: FlowProducer; queues?: Map<QueueName, Queue> };

function closeQueues(): Promise<unknown> {
  const open = [...(cache.queues?.values() ?? []), ...(cache.flowProducer ? [cache.flowProducer] : [])];
  cache.queues = undefined;
  cache.flowProducer = undefined;
  return Promise.all(open.map((q) => q.close()));
}

/** The process's FlowProducer, on the shared fail-fast connection. */
export function flowProducer(): FlowProducer {
  if (!cache.flowProducer) {
    cache.flowProducer = new FlowProducer({ connection: sharedRedis(), prefix: env.QUEUE_PREFIX });
    closeOnExit("queues", closeQueues);
  }
  return cache.flowProducer;
}

/** The process's Queue object for a queue name (for removing and inspecting jobs). */
export function queue(name: QueueName): Queue {
  cache.queues ??= new Map();
  let q = cache.queues.get(name);
  if (!q) {
    q = new Queue(name, { connection: sharedRedis(), prefix: env.QUEUE_PREFIX });
    cache.queues.set(name, q);
    closeOnExit("queues", closeQueues);
  }
  return q;
}
