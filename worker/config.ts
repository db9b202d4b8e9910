/**
 * Which queues a worker process runs and how many jobs of each at once, per environment: the
 * counterpart of Solid Queue's config/queue.yml. WORKER_QUEUES or `--queues a,b` picks a subset
 * for one process, so several processes (on one machine or several) can split the work.
 */
import { QUEUE_NAMES, type QueueName, type TaskName } from "@/lib/pipeline/table";

type Environment = "development" | "production" | "test";

// Parsing is CPU-bound (one per core); AI calls mostly wait on the network; find-similar is
// database work; the reconciler and the library's statistics and re-embedding are housekeeping.
const DEFAULT_CONCURRENCY: Record<QueueName, number> = { ingest: 2, ai: 4, index: 2, maintenance: 2 };

/**
 * Tasks that may take only some of their queue's slots in one process: questions go before any
 * document stage on the `ai` queue, so a flood of them could otherwise hold up every summary.
 */
export const TASK_CONCURRENCY: Partial<Record<TaskName, number>> = { question: 2 };

/** Where an environment differs from the defaults (none does today). */
const OVERRIDES: Partial<Record<Environment, Partial<Record<QueueName, number>>>> = {};

/** Jobs of a queue one worker process runs at once in an environment. */
export function concurrency(environment: Environment, queue: QueueName): number {
  return OVERRIDES[environment]?.[queue] ?? DEFAULT_CONCURRENCY[queue];
}

/**
 * Locks: a job's lock is renewed every lockDuration/2 while it runs; a worker that dies stops
 * renewing, and after lockDuration the stalled check (every stalledInterval) hands the job to
 * another worker. Long PDF and AI jobs keep renewing, so a long lock only delays recovery.
 */
export const MAX_STALLED_COUNT = 3;

/** Reads `--queues a,b` from argv, else the WORKER_QUEUES setting. */
export function selectedQueues(argv: string[], fallback: string): QueueName[] {
  const flag = argv.findIndex((arg) => arg === "--queues" || arg.startsWith("--queues="));
  const raw = flag === -1 ? fallback : argv[flag].includes("=") ? argv[flag].split("=")[1] : argv[flag + 1] ?? "";
  const names = raw.split(",").map((name) => name.trim()).filter(Boolean);
  const known: readonly string[] = QUEUE_NAMES;
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(`Unknown queue(s) "${unknown.join(", ") || raw}"; choose from ${known.join(", ")}`);
  }
  return names as QueueName[];
}
