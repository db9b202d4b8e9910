/**
 * The chain extract → summarize → embed → find-similar as one BullMQ flow. BullMQ runs children
 * first, so the last stage is the root and extract the deepest child. Every child fails its
 * parent when it fails, so a failed stage never leaves the chain waiting for ever.
 */
import type { FlowJob } from "bullmq";
import { STAGES, type Stage } from "@/lib/events";
import { defaultJobOptions, flowProducer } from "@/lib/queues";
import { env } from "@/lib/env";
import { STAGE_JOBS } from "./registry";
import { stageJobId, type DocumentJobData } from "./stage";

export interface FlowOptions {
  /** The first stage to run; earlier stages are skipped (their output is kept). */
  from?: Stage;
  /** Lower numbers run first (BullMQ priority). */
  priority?: number;
}

/** The flow tree for one document, root first. */
export function documentFlow(documentId: string, options: FlowOptions = {}): FlowJob {
  const stages = STAGES.slice(STAGES.indexOf(options.from ?? "extract"));
  const data: DocumentJobData = { documentId };
  let node: FlowJob | undefined;
  for (const stage of stages) {
    const isRoot = stage === stages[stages.length - 1];
    const job: FlowJob = {
      name: stage,
      queueName: STAGE_JOBS[stage].queue,
      data,
      prefix: env.QUEUE_PREFIX,
      opts: {
        ...defaultJobOptions,
        jobId: stageJobId(documentId, stage),
        priority: options.priority,
        ...(isRoot ? {} : { failParentOnFailure: true }),
      },
      children: node ? [node] : undefined,
    };
    node = job;
  }
  if (!node) throw new Error(`no stages from ${options.from}`);
  return node;
}

/** Enqueues a document's chain atomically. */
export async function enqueueDocument(documentId: string, options: FlowOptions = {}): Promise<void> {
  await flowProducer().add(documentFlow(documentId, options));
}
