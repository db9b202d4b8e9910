/**
 * A document's chain as one BullMQ flow, built from the job table. BullMQ runs children first,
 * so the last stage is the root and the first the deepest child. Every child fails its parent
 * when it fails, so a failed stage never leaves the chain waiting for ever.
 */
import type { FlowJob } from "bullmq";
import { env } from "@/lib/env";
import { logContext } from "@/lib/logger";
import { defaultJobOptions, flowProducer, queue } from "@/lib/queues";
import { STAGES, stageJobId, stageQueue, type DocumentJobData, type Stage } from "./table";

export interface FlowOptions {
  /** The first stage to run; earlier stages are skipped (their output is kept). */
  from?: Stage;
  /** Lower numbers run first (BullMQ priority). */
  priority?: number;
  /** Milliseconds to wait before the first stage starts (a scheduled re-run). */
  delay?: number;
}

/** The flow tree for one document, root first. */
export function documentFlow(documentId: string, options: FlowOptions = {}): FlowJob {
  const stages = STAGES.slice(STAGES.indexOf(options.from ?? STAGES[0]));
  // The request that queued the chain (and its owner) are named in every job's log lines.
  const { requestId, ownerId } = logContext();
  const data: DocumentJobData = { documentId, ...(requestId ? { requestId } : {}), ...(ownerId ? { ownerId } : {}) };
  let node: FlowJob | undefined;
  for (const stage of stages) {
    const isRoot = stage === stages[stages.length - 1];
    node = {
      name: stage,
      queueName: stageQueue(stage),
      data,
      prefix: env.QUEUE_PREFIX,
      opts: {
        ...defaultJobOptions,
        jobId: stageJobId(documentId, stage),
        priority: options.priority,
        ...(isRoot ? {} : { failParentOnFailure: true }),
        // Children run first, so the delay goes on the first stage.
        ...(stage === stages[0] && options.delay ? { delay: options.delay } : {}),
      },
      children: node ? [node] : undefined,
    };
  }
  if (!node) throw new Error(`no stages from ${options.from}`);
  return node;
}

/** Enqueues a document's chain atomically. */
export async function enqueueDocument(documentId: string, options: FlowOptions = {}): Promise<void> {
  await flowProducer().add(documentFlow(documentId, options));
}

/**
 * Removes a document's jobs that are not running (waiting, delayed, finished), so its chain can
 * be enqueued again under the same ids. Returns how many stage jobs are still held by a worker.
 */
export async function removeDocumentJobs(documentId: string): Promise<number> {
  let held = 0;
  for (const stage of [...STAGES].reverse()) {
    const q = queue(stageQueue(stage));
    const id = stageJobId(documentId, stage);
    if (!(await q.getJob(id))) continue;
    if ((await q.remove(id, { removeChildren: true })) === 0) held += 1;
  }
  return held;
}
