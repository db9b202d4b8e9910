/**
 * Which queues a worker process runs and how many jobs of each at once (the counterpart of
 * Solid Queue's config/queue.yml). WORKER_QUEUES or `--queues a,b` picks a subset.
 */
import type { WorkerOptions } from "bullmq";
import type { QueueName } from "@/lib/queues";

export const QUEUE_SETTINGS: Record<QueueName, Pick<WorkerOptions, "concurrency" | "lockDuration" | "stalledInterval" | "maxStalledCount">> = {
  // CPU-bound parsing: one per core is plenty.
  ingest: { concurrency: 2, lockDuration: 60_000, stalledInterval: 30_000, maxStalledCount: 2 },
  // Slow external calls: mostly waiting, so more at once.
  ai: { concurrency: 4, lockDuration: 120_000, stalledInterval: 30_000, maxStalledCount: 2 },
  // Database work.
  index: { concurrency: 2, lockDuration: 60_000, stalledInterval: 30_000, maxStalledCount: 2 },
};

/** Reads `--queues a,b` from argv, else the WORKER_QUEUES setting. */
export function selectedQueues(argv: string[], fallback: string): QueueName[] {
  const flag = argv.findIndex((arg) => arg === "--queues" || arg.startsWith("--queues="));
  const raw = flag === -1 ? fallback : argv[flag].includes("=") ? argv[flag].split("=")[1] : argv[flag + 1] ?? "";
  const names = raw.split(",").map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(name in QUEUE_SETTINGS));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`Unknown queue(s) "${unknown.join(", ") || raw}"; choose from ${Object.keys(QUEUE_SETTINGS).join(", ")}`);
  }
  return names as QueueName[];
}
