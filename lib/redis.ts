/**
 * Redis connections, to one server (REDIS_URL) or to a Redis Cluster (REDIS_CLUSTER_NODES).
 * Two kinds: blocking ones, which retry a command for ever while Redis is away (BullMQ workers,
 * subscribers, the Socket.IO adapter, the AI limiter), and fail-fast ones, which give up quickly
 * so a web request answers instead of hanging. `sharedRedis()` is the process's general
 * fail-fast client (queues, rate limits, cancellation). `redisKey` names the app's other keys.
 */
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from "ioredis";
import { closeOnExit } from "./connections";
import { env } from "./env";

/** A connection to one Redis server or to a cluster; both take the same commands. */
export type RedisClient = Redis | Cluster;

function clusterNodes(): { host: string; port: number }[] {
  return env.REDIS_CLUSTER_NODES!.split(",").map((node) => {
    const at = node.lastIndexOf(":");
    return { host: node.slice(0, at), port: Number(node.slice(at + 1)) };
  });
}

function connect(options: RedisOptions): RedisClient {
  if (!env.REDIS_CLUSTER_NODES) return new Redis(env.REDIS_URL, options);
  const cluster: ClusterOptions = {
    redisOptions: { ...options, username: env.REDIS_USERNAME, password: env.REDIS_PASSWORD },
    // A node that restarts keeps its slots (no replica took them over): reconnect to it.
    clusterNodeRetryStrategy: (times) => Math.min(times * 200, 2_000),
    clusterRetryStrategy: (times) => Math.min(times * 200, 2_000),
  };
  return new Cluster(clusterNodes(), cluster);
}

/** A new connection that waits for Redis as long as it takes (pass it to whatever closes it). */
export function createBlockingConnection(): RedisClient {
  return connect({ maxRetriesPerRequest: null, enableReadyCheck: false });
}

/** A new connection whose commands fail fast while Redis is down. */
export function createFailFastConnection(): RedisClient {
  return connect({ maxRetriesPerRequest: 2, connectTimeout: 5_000 });
}

/**
 * Calls `then` each time the connection is whole again after part of it was lost (not on its
 * first connect): a server's connection ready again, or a cluster's node back.
 */
export function onReconnect(redis: RedisClient, then: () => void): void {
  const [lostOn, backOn] = redis instanceof Cluster ? ["-node", "+node"] : ["close", "ready"];
  let lost = false;
  redis.on(lostOn, () => {
    lost = true;
  });
  redis.on(backOn, () => {
    if (!lost) return;
    lost = false;
    then();
  });
}

const cache = globalThis as unknown as { sharedRedis?: RedisClient };

/** The process's general fail-fast Redis client, closed by `closeAll()`. */
export function sharedRedis(): RedisClient {
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

/** The installation's name in Redis: QUEUE_PREFIX without its hash-tag braces. */
export const REDIS_NAMESPACE = env.QUEUE_PREFIX.replace(/[{}]/g, "");

/**
 * A key of the app outside the queues: `<namespace>:<kind>:{<tag>}`, then `parts`. The tag picks
 * the Redis Cluster slot, so keys of different owners or emails spread over the cluster while the
 * keys one script uses together (same tag) stay in one slot.
 */
export function redisKey(kind: string, tag: string, ...parts: string[]): string {
  return [`${REDIS_NAMESPACE}:${kind}:{${tag}}`, ...parts].join(":");
}
