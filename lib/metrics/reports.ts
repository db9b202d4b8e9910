/**
 * Every process's metrics in one place: each web and worker process writes a snapshot of its
 * registry to Redis every few seconds, under a key that expires unless renewed, and lists itself
 * in a set; the web process that is scraped reads the live snapshots and adds them up with
 * prom-client's AggregatorRegistry. The set and the snapshots share one hash tag, so a Redis
 * Cluster keeps them in one slot (one MGET reads them all); a process that stops without a word
 * is gone from the sum once its key expires.
 */
import { AggregatorRegistry, type Registry } from "prom-client";
import { closeOnExit } from "../connections";
import { redisKey, sharedRedis } from "../redis";
import { metrics, setProcessRole } from "./registry";

/** How often a process writes its snapshot, and how long one lives without being renewed. */
export const REPORT_EVERY_MS = 5_000;
const REPORT_TTL_MS = 3 * REPORT_EVERY_MS;

const PROCESSES = redisKey("metrics", "processes");
const snapshotKey = (name: string) => redisKey("metrics", "processes", name);

/**
 * Starts reporting this process's metrics through Redis (`role`: web, worker, import); returns its
 * `process` label. `closeAll()` stops the reports and removes the snapshot, so the sum forgets a
 * process that stops at once; with `keepFinalMs`, a one-shot process's last snapshot stays that
 * long instead, so that scrapes after it ended still see what it counted.
 */
export function startMetricsReports(role: string, { keepFinalMs = 0 }: { keepFinalMs?: number } = {}): string {
  const name = setProcessRole(role);
  const report = async (ttlMs = REPORT_TTL_MS) => {
    const snapshot = JSON.stringify(await metrics().registry.getMetricsAsJSON());
    await sharedRedis().multi().set(snapshotKey(name), snapshot, "PX", ttlMs).sadd(PROCESSES, name).exec();
  };
  // A failed report (Redis away) only leaves this process out of the sum until the next one.
  const safeReport = () => report().catch(() => undefined);
  void safeReport();
  const timer = setInterval(safeReport, REPORT_EVERY_MS);
  timer.unref();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    if (keepFinalMs > 0) return report(keepFinalMs).catch(() => undefined);
    await sharedRedis()
      .multi()
      .del(snapshotKey(name))
      .srem(PROCESSES, name)
      .exec()
      .catch(() => undefined);
  };
  // Registered after the shared Redis client, so it runs before that closes (closers run last opened first).
  sharedRedis();
  closeOnExit("metrics reports", stop);
  return name;
}

/** The live snapshots of every other process (the set's entries whose key expired are dropped from it). */
async function otherSnapshots(own: string | undefined): Promise<object[]> {
  const redis = sharedRedis();
  const names = (await redis.smembers(PROCESSES)).filter((name) => name !== own);
  if (names.length === 0) return [];
  const values = await redis.mget(...names.map(snapshotKey));
  const gone = names.filter((_, i) => values[i] === null);
  if (gone.length > 0) await redis.srem(PROCESSES, ...gone);
  return values.filter((value): value is string => value !== null).map((value) => JSON.parse(value) as object);
}

/** Every live process's metrics added up, this process's read fresh; `ownName` is its `process` label. */
export async function aggregatedMetrics(ownName?: string): Promise<Registry> {
  const [own, others] = await Promise.all([metrics().registry.getMetricsAsJSON(), otherSnapshots(ownName)]);
  return AggregatorRegistry.aggregate([own, ...others]);
}
