/**
 * What a stage's failure means: dropped quietly, cancelled, a pause for the rate limit, another
 * attempt, or the end of the document with a message for its owner.
 */
import { UnrecoverableError } from "bullmq";
import { AiRateLimitedError } from "@/lib/ai/errors";
import { OwnerFacingError } from "@/lib/errors";
import { StaleDocumentError, stageLabel, type Failure, type Stage } from "@/lib/pipeline";

export type StageFailure =
  /** The document was cancelled, deleted or restarted meanwhile: the result is dropped. */
  | { kind: "stale" }
  /** The job was aborted (cancel, shutdown). */
  | { kind: "cancelled" }
  /** The API asked us to wait: the queue pauses and the job goes back, its attempt kept. */
  | { kind: "rate-limited"; error: AiRateLimitedError }
  /** Worth another attempt with backoff. */
  | { kind: "retry"; error: Error }
  /** The document fails now. */
  | { kind: "final"; error: Error; failure: Failure };

export interface FailureContext {
  stage: Stage;
  /** The attempt that failed, from 1. */
  attempt: number;
  attempts: number;
  aborted: boolean;
  /** Whether a 429 can pause the queue (the runner has its worker); otherwise it counts as a transient failure. */
  canPauseQueue: boolean;
}

/** Classifies a stage's error. */
export function classifyFailure(thrown: unknown, context: FailureContext): StageFailure {
  if (thrown instanceof StaleDocumentError) return { kind: "stale" };
  if (context.aborted) return { kind: "cancelled" };
  const error = thrown as Error;
  if (error instanceof AiRateLimitedError && context.canPauseQueue) return { kind: "rate-limited", error };
  const final =
    error instanceof UnrecoverableError || (error instanceof OwnerFacingError && !error.transient) || context.attempt >= context.attempts;
  if (!final) return { kind: "retry", error };
  return { kind: "final", error, failure: ownerFailure(error, context) };
}

function ownerFailure(error: Error, { stage, attempt }: FailureContext): Failure {
  if (error instanceof OwnerFacingError) return { message: error.userMessage, code: error.code, retryable: error.retryable };
  const tries = attempt === 1 ? "" : ` after ${attempt} attempts`;
  return {
    message: `Processing stopped at the "${stageLabel(stage)}" stage${tries}. You can try again later.`,
    code: "stage-failed",
    retryable: true,
  };
}
