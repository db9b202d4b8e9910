/**
 * Redis connections. Two kinds: blocking ones, which retry a command for ever while Redis is
 * away (BullMQ workers, subscribers, the Socket.IO adapter, the AI limiter), and fail-fast ones,
 * which give up quickly so a web request answers instead of hanging. `sharedRedis()` is the
 * process's general fail-fast client (queues, rate limits, cancellation).
 */
import { Redis } from "ioredis";
import { closeOnExit } from "./connections";
import { env } from "./env";

/** A new connection that waits for Redis as long as it takes (pass it to whatever closes it). */
export function createBlockingConnection(): Redis {
  return new Redis(env.REDIS_URL, { maxRetriesPerRequest: null, enableReadyCheck: false });
}

/** A new connection whose commands fail fast while Redis is down. */
export function createFailFastConnection(): Redis {
  return new Redis(env.REDIS_URL, { maxRetriesPerRequest: 2, connectTimeout: 5_000 });
}

const cache = globalThis as unknown as { sharedRedis?: Redis };

/** The process's general fail-fast Redis client, closed by `closeAll()`. */
export function sharedRedis(): Redis {
  if (!cache.sharedRedis) {
    const redis = createFailFastConnection();
    cache.sharedRedis = redis;
    closeOnExit("redis", async () => {
      cache.sharedRedis = undefined;
      await redis.quit().catch(() => redis.disconnect());
    });
  }
  return cache.sharedRedis;
}
