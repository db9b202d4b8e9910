/**
 * Queue names, job options and the producer-side BullMQ objects. Queues are split by the kind
 * of work, so a flood of slow AI calls never holds up text extraction.
 */
import { FlowProducer, type JobsOptions } from "bullmq";
import { env } from "./env";
import { createProducerConnection } from "./redis";

export const QUEUES = {
  ingest: "ingest", // extract: CPU, local
  ai: "ai", // summarize, embed: slow external calls
  index: "index", // find-similar: database
} as const;
export type QueueName = keyof typeof QUEUES;
export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

export const BACKOFF_TYPE = "polynomial";

/** Active Job's `:polynomially_longer`: attempts^4 + 2 seconds, so about 3 s, 18 s, 83 s, 258 s. */
export function polynomialBackoff(attemptsMade: number): number {
  const jitter = Math.random() * 0.15 * (attemptsMade ** 4 + 2);
  return Math.round((attemptsMade ** 4 + 2 + jitter) * 1000);
}

/** Options every stage job gets: retries with backoff, and bounded history in Redis. */
export const defaultJobOptions: JobsOptions = {
  attempts: env.JOB_ATTEMPTS,
  backoff: { type: BACKOFF_TYPE },
  removeOnComplete: { age: 24 * 3600, count: 5000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
};

const globalForQueues = globalThis as unknown as { flowProducer?: FlowProducer };

/** The process's FlowProducer, on a fail-fast connection. */
export function flowProducer(): FlowProducer {
  globalForQueues.flowProducer ??= new FlowProducer({
    connection: createProducerConnection(),
    prefix: env.QUEUE_PREFIX,
  });
  return globalForQueues.flowProducer;
}
