/**
 * What `GET /metrics` answers: every live process's metrics added up (./reports.ts) and the
 * queues' job counts, read from BullMQ at the moment of the scrape.
 */
import { timingSafeEqual } from "node:crypto";
import { Gauge, Registry } from "prom-client";
import { authenticate, bearerToken } from "../auth";
import { env } from "../env";
import { QUEUE_NAMES } from "../pipeline/table";
import { queue } from "../queues";
import { aggregatedMetrics } from "./reports";

/** `docsum_queue_jobs{queue, state}`: each state BullMQ counts (as its own Prometheus export does). */
async function queueMetrics(): Promise<Registry> {
  const registry = new Registry();
  const gauge = new Gauge({
    name: "docsum_queue_jobs",
    help: "Jobs in each queue by state, as BullMQ counts them (waiting, prioritized, waiting-children, active, delayed, paused, failed, completed).",
    labelNames: ["queue", "state"] as const,
    registers: [registry],
  });
  const counts = await Promise.all(QUEUE_NAMES.map((name) => queue(name).getJobCounts()));
  QUEUE_NAMES.forEach((name, i) => {
    for (const [state, count] of Object.entries(counts[i])) gauge.set({ queue: name, state }, count);
  });
  return registry;
}

/** The Prometheus text of the whole installation, and its content type; `ownName` is the scraped process's `process` label. */
export async function metricsText(ownName?: string): Promise<{ body: string; contentType: string }> {
  const [processes, queues] = await Promise.all([aggregatedMetrics(ownName), queueMetrics()]);
  const merged = Registry.merge([processes, queues]);
  return { body: await merged.metrics(), contentType: merged.contentType };
}

/**
 * Who may scrape, from an Authorization header: `Bearer <METRICS_TOKEN>` or an administrator's API
 * token (200); nothing, or a token nobody has (401); a token of someone who is not an administrator (403).
 */
export async function metricsAccess(authorization: string | undefined): Promise<200 | 401 | 403> {
  const token = bearerToken(authorization);
  if (!token) return 401;
  if (isMetricsToken(token)) return 200;
  const user = await authenticate({ authorization });
  if (!user) return 401;
  return user.isAdmin ? 200 : 403;
}

/** Whether a bearer token is METRICS_TOKEN (compared in constant time). */
function isMetricsToken(token: string): boolean {
  if (!env.METRICS_TOKEN) return false;
  const given = Buffer.from(token);
  const expected = Buffer.from(env.METRICS_TOKEN);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
