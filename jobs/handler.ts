/** What the worker's runners hand a job's handler, and what the handler hands back. */
import type { Document, Prisma } from "@/lib/generated/prisma/client";

export interface StageContext {
  document: Document;
  signal: AbortSignal;
  /** Reports the fraction (0..1) of this stage's work done, and what it is doing now ("part 3 of 9"); throttled by the runner. */
  reportProgress(fraction: number, detail?: string): Promise<void>;
  /**
   * Commits the stage's output and moves the document on, inside `tx` when given. Only a handler
   * that must commit inside its own transaction calls it; the others return their output.
   */
  complete(output: Prisma.DocumentUpdateInput, tx?: Prisma.TransactionClient): Promise<void>;
}

/** A stage's result: the document fields it produced (unless it called `complete`), and a note for the owner. */
export interface StageResult {
  output?: Prisma.DocumentUpdateInput;
  note?: string;
}

export interface StageHandler {
  handle(ctx: StageContext): Promise<StageResult>;
}

/** Which attempt of its job a task is (from 1), of how many. */
export interface TaskAttempt {
  attempt: number;
  attempts: number;
}

/** A job kind other than a document stage: gets its validated payload, returns what BullMQ keeps as the job's result. */
export interface TaskHandler {
  handle(payload: unknown, signal: AbortSignal, attempt: TaskAttempt): Promise<unknown>;
}
