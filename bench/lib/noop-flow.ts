/**
 * Figure 6's flow with BullMQ alone: the app's chain shape (extract on an ingest queue,
 * summarize and embed on an ai queue, find-similar on an index queue, children first, each child
 * failing its parent) and its per-queue concurrency, under queue names of its own.
 */
import type { FlowJob } from "bullmq";
import { STAGES, stageQueue, type Stage } from "@/lib/pipeline/table";
import { concurrency } from "../../worker/config";

export const NOOP_QUEUES = { ingest: "noop-ingest", ai: "noop-ai", index: "noop-index" } as const;
export type NoopQueue = keyof typeof NOOP_QUEUES;

/** Which queue runs each stage, as in the app's job table. */
const STAGE_QUEUE = Object.fromEntries(STAGES.map((stage) => [stage, stageQueue(stage)])) as Record<Stage, NoopQueue>;

/** Jobs of each queue one worker process runs at once, as in the app's production config. */
export const NOOP_CONCURRENCY: Record<NoopQueue, number> = {
  ingest: concurrency("production", "ingest"),
  ai: concurrency("production", "ai"),
  index: concurrency("production", "index"),
};

const options = { attempts: 5, removeOnComplete: { count: 5000 }, removeOnFail: { count: 5000 } };

/** One document's 4-stage flow, root (find-similar) first. */
export function noopFlow(id: string, prefix: string): FlowJob {
  let node: FlowJob | undefined;
  for (const stage of STAGES) {
    const isRoot = stage === STAGES[STAGES.length - 1];
    node = {
      name: stage,
      queueName: NOOP_QUEUES[STAGE_QUEUE[stage]],
      data: { documentId: id },
      prefix,
      opts: { ...options, jobId: `${id}-${stage}`, ...(isRoot ? {} : { failParentOnFailure: true }) },
      children: node ? [node] : undefined,
    };
  }
  return node!;
}

/** The same four jobs as independent jobs (no flow): the baseline. */
export function noopJobs(id: string): { queue: NoopQueue; name: Stage; data: { documentId: string }; opts: typeof options & { jobId: string } }[] {
  return STAGES.map((stage) => ({ queue: STAGE_QUEUE[stage], name: stage, data: { documentId: id }, opts: { ...options, jobId: `${id}-${stage}-plain` } }));
}
