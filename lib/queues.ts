/**
 * Queue names, job options and the producer-side BullMQ objects. Queues are split by the kind
 * of work, so a flood of slow AI calls never holds up text extraction.
 */
import { FlowProducer, Queue, type JobsOptions } from "bullmq";
import { env } from "./env";
import { createProducerConnection } from "./redis";

export const QUEUES = {
  ingest: "ingest", // extract: CPU, local
  ai: "ai", // summarize, embed: slow external calls
  index: "index", // find-similar: database
  maintenance: "maintenance", // the reconciler
} as const;
export type QueueName = keyof typeof QUEUES;

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

const cache = globalThis as unknown as { flowProducer?: FlowProducer; queues?: Map<QueueName, Queue>; producerConnection?: ReturnType<typeof createProducerConnection> };

/** The process's shared fail-fast Redis connection for producers. */
export function producerConnection() {
  cache.producerConnection ??= createProducerConnection();
  return cache.producerConnection;
}

/** The process's FlowProducer, on a fail-fast connection. */
export function flowProducer(): FlowProducer {
  cache.flowProducer ??= new FlowProducer({ connection: producerConnection(), prefix: env.QUEUE_PREFIX });
  return cache.flowProducer;
}

/** The process's Queue object for a queue name (for removing and inspecting jobs). */
export function queue(name: QueueName): Queue {
  cache.queues ??= new Map();
  let q = cache.queues.get(name);
  if (!q) {
    q = new Queue(QUEUES[name], { connection: producerConnection(), prefix: env.QUEUE_PREFIX });
    cache.queues.set(name, q);
  }
  return q;
}

/** Closes the producer-side objects (for graceful shutdown and tests). */
export async function closeQueues(): Promise<void> {
  await Promise.all([...(cache.queues?.values() ?? [])].map((q) => q.close()));
  await cache.flowProducer?.close();
  await cache.producerConnection?.quit().catch(() => undefined);
  cache.queues = undefined;
  cache.flowProducer = undefined;
  cache.producerConnection = undefined;
}
