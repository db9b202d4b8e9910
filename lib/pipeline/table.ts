/**
 * The job table: every kind of job the app runs, in one place that the flow, the worker, the
 * pages and the tests read. A document stage is a row here plus one handler in jobs/; so is any
 * other job kind. Browser-safe: names, queues, labels, ranges and payload schemas only.
 */
import { z } from "zod";
import { idSchema } from "./ids";

/** Queues split by the kind of work, so a flood of slow AI calls never holds up text extraction. */
export const QUEUE_NAMES = [
  "ingest", // extract: CPU, local
  "ai", // summarize, embed, questions: slow external calls
  "index", // find-similar: database
  "maintenance", // the reconciler and other housekeeping
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** The payload of every document stage job. */
export const documentJobSchema = z.object({ documentId: idSchema });
export type DocumentJobData = z.infer<typeof documentJobSchema>;

interface StageRow {
  /** The wire name: BullMQ job name, database enum value, the API's `stage`. */
  name: string;
  queue: QueueName;
  /** Shown under the bar. */
  label: string;
  /** Where the stage starts and ends on the one 0–100 bar. */
  range: readonly [number, number];
}

/** The document stages, in the order they run. */
export const STAGE_TABLE = [
  { name: "extract", queue: "ingest", label: "Extracting text", range: [0, 25] },
  { name: "summarize", queue: "ai", label: "Summarizing", range: [25, 60] },
  { name: "embed", queue: "ai", label: "Embedding", range: [60, 85] },
  { name: "similar", queue: "index", label: "Finding similar documents", range: [85, 100] },
] as const satisfies readonly StageRow[];

export type Stage = (typeof STAGE_TABLE)[number]["name"];
export const STAGES: readonly Stage[] = STAGE_TABLE.map((row) => row.name);

/** The stage that writes the summary (and streams its draft). */
export const SUMMARY_STAGE: Stage = "summarize";

/** Job kinds other than document stages: each runs on its queue with its payload. */
export const TASK_TABLE = [
  // Re-enqueues unfinished documents that have no live job (scheduled by the worker).
  { name: "reconcile", queue: "maintenance", payload: z.object({}).passthrough() },
  // Removes stored files no document owns and partial files of interrupted uploads (hourly and at start).
  { name: "sweep", queue: "maintenance", payload: z.object({ olderThanMs: z.number().int().min(0).optional() }).passthrough() },
  // Counts a new version of an owner's library statistics, then queues the re-embedding under it.
  { name: "similarity-statistics", queue: "maintenance", payload: z.object({ ownerId: z.string().min(1) }) },
  // Re-embeds an owner's library under the latest statistics, then rebuilds its similar lists (resumable).
  { name: "reembed", queue: "maintenance", payload: z.object({ ownerId: z.string().min(1) }) },
  // Indexes an owner's documents for search that are not indexed in SEARCH_LANGUAGE (resumable).
  { name: "search-index", queue: "maintenance", payload: z.object({ ownerId: z.string().min(1) }) },
  // Finds the passages that answer a person's question and streams the answer (queued without a priority: before any document stage).
  { name: "question", queue: "ai", payload: z.object({ questionId: idSchema }) },
] as const satisfies readonly { name: string; queue: QueueName; payload: z.ZodType }[];

export type TaskName = (typeof TASK_TABLE)[number]["name"];

/** What the worker knows about a job name: a stage, a task, or nothing (the job is refused). */
export type JobKind =
  | { runner: "stage"; stage: Stage; queue: QueueName; payload: typeof documentJobSchema }
  | { runner: "task"; task: TaskName; queue: QueueName; payload: z.ZodType };

/** Looks a job name up in the table; undefined for a name the table does not know. */
export function jobKind(name: string): JobKind | undefined {
  const stage = STAGE_TABLE.find((row) => row.name === name);
  if (stage) return { runner: "stage", stage: stage.name, queue: stage.queue, payload: documentJobSchema };
  const task = TASK_TABLE.find((row) => row.name === name);
  if (task) return { runner: "task", task: task.name, queue: task.queue, payload: task.payload };
  return undefined;
}

function row(stage: Stage) {
  return STAGE_TABLE[STAGES.indexOf(stage)];
}

/** The queue a stage runs on. */
export function stageQueue(stage: Stage): QueueName {
  return row(stage).queue;
}

/** The label shown under the bar while a stage runs. */
export function stageLabel(stage: Stage): string {
  return row(stage).label;
}

/** Where a stage starts and ends on the bar. */
export function stageRange(stage: Stage): readonly [number, number] {
  return row(stage).range;
}

/** The stage after `stage`, or null after the last. */
export function nextStage(stage: Stage): Stage | null {
  return STAGES[STAGES.indexOf(stage) + 1] ?? null;
}

/** Whether stage `a` comes after stage `b` in the chain. */
export function isLaterStage(a: Stage, b: Stage): boolean {
  return STAGES.indexOf(a) > STAGES.indexOf(b);
}

/** Overall percentage for a fraction (0..1) of work done inside a stage. */
export function overallProgress(stage: Stage, fraction: number): number {
  const [start, end] = stageRange(stage);
  const clamped = Math.min(1, Math.max(0, fraction));
  return Math.round(start + (end - start) * clamped);
}

/** Deterministic job id, so one stage of one document is never queued twice (no ':' allowed). */
export function stageJobId(documentId: string, stage: Stage): string {
  return `${documentId}-${stage}`;
}

/** The job ids of an owner's library statistics and of the re-embedding under them: one job per owner and version. */
export function statisticsJobId(ownerId: string, version: number): string {
  return `statistics-${ownerId}-v${version}`;
}

export function reembedJobId(ownerId: string, version: number): string {
  return `reembed-${ownerId}-v${version}`;
}
