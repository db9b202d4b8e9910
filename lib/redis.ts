/** Redis connections: blocking ones for workers, fail-fast ones for web requests. */
import { Redis } from "ioredis";
import { env } from "./env";

/** A connection for BullMQ workers and QueueEvents: retries commands for ever while Redis is away. */
export function createWorkerConnection(): Redis {
  return new Redis(env.REDIS_URL, { maxRetriesPerRequest: null, enableReadyCheck: false });
}

/** A connection for producers (route handlers): a request fails fast instead of hanging when Redis is down. */
export function createProducerConnection(): Redis {
  return new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2, connectTimeout: 5_000 });
}
