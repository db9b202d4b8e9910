/**
 * One request and token budget for every worker process, kept in Redis. Each call reserves the
 * next free start time on two timelines (requests, tokens) in one atomic script and waits for
 * it, so calls queue for their turn instead of failing, and requests are spread evenly: in any
 * minute at most the configured number start. A 429 pauses every caller for the time the API asks.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { countRateLimitWait } from "../metrics/ai";
import type { RedisClient } from "../redis";

/** Waits for permission to send AI requests. */
export interface AiRateLimiter {
  /** Resolves when a request of about `tokens` tokens may be sent; rejects if `signal` aborts first. */
  acquire(tokens: number, signal?: AbortSignal): Promise<void>;
  /** Holds every caller back for `ms` from now. */
  pause(ms: number): Promise<void>;
}

export interface RateLimits {
  requestsPerMinute: number;
  tokensPerMinute: number;
}

const MINUTE_MS = 60_000;

/**
 * KEYS: next free request slot, next free token slot (absolute ms on the Redis clock), pause key.
 * ARGV: ms one request takes up, ms this call's tokens take up. Returns ms to wait.
 */
const RESERVE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local start = math.max(now, tonumber(redis.call('GET', KEYS[1]) or 0), tonumber(redis.call('GET', KEYS[2]) or 0))
local paused = redis.call('PTTL', KEYS[3])
if paused > 0 then start = math.max(start, now + paused) end
local nextRequest = start + tonumber(ARGV[1])
local nextToken = start + tonumber(ARGV[2])
redis.call('SET', KEYS[1], nextRequest, 'PX', math.ceil(nextRequest - now) + 60000)
redis.call('SET', KEYS[2], nextToken, 'PX', math.ceil(nextToken - now) + 60000)
return start - now
`;

/** The shared limiter; `key` names the budget (one per API account). */
export class RedisRateLimiter implements AiRateLimiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly limits: RateLimits,
    private readonly key: string,
  ) {}

  async acquire(tokens: number, signal?: AbortSignal): Promise<void> {
    const requestMs = MINUTE_MS / this.limits.requestsPerMinute;
    // A call larger than a minute's budget can only wait a whole minute.
    const tokenMs = (Math.min(tokens, this.limits.tokensPerMinute) * MINUTE_MS) / this.limits.tokensPerMinute;
    for (;;) {
      signal?.throwIfAborted();
      const keys = [`${this.key}:next-request`, `${this.key}:next-token`, `${this.key}:paused`];
      const waitMs = Number(await this.redis.eval(RESERVE, keys.length, ...keys, requestMs, tokenMs));
      if (waitMs > 0) {
        await sleep(waitMs, undefined, { signal });
        countRateLimitWait(waitMs);
      }
      // A 429 seen while we waited voids the turn: queue again behind the pause.
      if ((await this.redis.pttl(`${this.key}:paused`)) <= 0) return;
    }
  }

  async pause(ms: number): Promise<void> {
    if (ms <= 0) return;
    const key = `${this.key}:paused`;
    // Extend a pause, never shorten one.
    const left = await this.redis.pttl(key);
    if (left < ms) await this.redis.set(key, "1", "PX", Math.ceil(ms));
  }
}

/** A limiter that never waits, for the local provider and unit tests. */
export const noRateLimit: AiRateLimiter = {
  async acquire() {},
  async pause() {},
};
