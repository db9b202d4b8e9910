/**
 * Figure 3's background at scale: the documents' own events as one app socket per owner receives
 * them, counted, each document's end noted, and each published again at once to its owner's room
 * of the relay (`<channel>#<room>`, socket `i` standing for room `i`), so that the baseline
 * carries the same fan-out at the same moments.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { isFinal, type DocumentStatus } from "@/lib/pipeline/statuses";
import type { Client } from "./latency";

export class BackgroundEvents {
  /** Events received so far, all owners together; each was also published to the relay. */
  total = 0;
  /** When each document's final progress event arrived (performance.now()). */
  readonly finishedAt = new Map<string, number>();
  private readonly redis: Redis;

  /** Follows what `sockets` receive, leaving out the probes (ids starting with `probePrefix`). */
  constructor(sockets: Client[], probePrefix: string, relay: { redisUrl: string; channel: string }) {
    this.redis = new Redis(relay.redisUrl);
    sockets.forEach((socket, room) =>
      socket.onAny((event: string, payload?: { id?: unknown; status?: DocumentStatus }) => {
        if (typeof payload?.id !== "string" || payload.id.startsWith(probePrefix)) return;
        this.total++;
        void this.redis.publish(`${relay.channel}#${room}`, JSON.stringify(payload));
        if (event === "document:progress" && payload.status && isFinal(payload.status)) this.finishedAt.set(payload.id, performance.now());
      }),
    );
  }

  /** Resolves once `count` documents have had their final event; throws after `timeoutMs`. */
  async whenFinished(count: number, timeoutMs: number): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.finishedAt.size < count) {
      if (performance.now() > deadline) throw new Error(`${this.finishedAt.size} of ${count} documents finished within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  /** How many of `ids` have had their final event. */
  finished(ids: string[]): number {
    return ids.filter((id) => this.finishedAt.has(id)).length;
  }

  /** Stops publishing (closes the Redis connection); the sockets are the caller's. */
  async close(): Promise<void> {
    await this.redis.quit();
  }
}
