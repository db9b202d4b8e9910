/** What every stage job shares: its payload, its id and the context its handler runs in. */
import { z } from "zod";
import type { Document } from "@/lib/generated/prisma/client";
import type { Stage } from "@/lib/events";
import type { QueueName } from "@/lib/queues";

export const documentJobSchema = z.object({ documentId: z.string().uuid() });
export type DocumentJobData = z.infer<typeof documentJobSchema>;

/** Deterministic job id, so one stage of one document is never queued twice (no ':' allowed). */
export function stageJobId(documentId: string, stage: Stage): string {
  return `${documentId}-${stage}`;
}

export interface StageContext {
  document: Document;
  signal: AbortSignal;
  /** Reports the fraction (0..1) of this stage's work done; throttled by the caller. */
  reportProgress(fraction: number): Promise<void>;
}

/** What a stage may tell its document's owner about a run that succeeded. */
export interface StageOutcomeNote {
  note?: string;
}

export interface StageJob {
  stage: Stage;
  queue: QueueName;
  /**
   * A time limit per run: past it the stage is aborted and the document fails with `message`
   * (no retry: a file that takes too long takes as long again).
   */
  timeLimit?: { ms: number; message: string };
  /** Does the stage's work and stores its output in the same update that moves the document on. */
  handle(ctx: StageContext): Promise<void | StageOutcomeNote>;
}
