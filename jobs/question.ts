/**
 * A question's answer: the passages that answer it, found through the search index, and the
 * answer streamed back as it is written (lib/questions). A cancelled or deleted question is left
 * alone; a failure that trying again may mend puts the question back in the queue (a 429 also
 * pauses the queue, see worker/run-job.ts); any other ends it with a message for its owner.
 */
import { UnrecoverableError } from "bullmq";
import { AiRateLimitedError } from "@/lib/ai/errors";
import { OwnerFacingError } from "@/lib/errors";
import { logger } from "@/lib/logger";
import { failAnswer, requeueAnswer, startAnswer, writeAnswer } from "@/lib/questions";
import type { TaskHandler } from "./handler";

const FAILED = "The answer could not be written. Ask the question again later.";

export const question: TaskHandler = {
  async handle(payload, signal, { attempt, attempts }) {
    const { questionId } = payload as { questionId: string };
    const started = await startAnswer(questionId);
    if (!started) return "discarded";
    try {
      await writeAnswer(started, signal);
      return "answered";
    } catch (error) {
      // A cancel or a delete already wrote the question's end; a shutdown hands the job back.
      if (signal.aborted) {
        if (await requeueAnswer(started)) throw error;
        return "cancelled";
      }
      const err = error as Error;
      const final = !(error instanceof AiRateLimitedError) && ((error instanceof OwnerFacingError && !error.transient) || attempt >= attempts);
      if (!final) {
        logger.warn("question failed; trying again", { questionId, attempt, attempts, error: err.message });
        await requeueAnswer(started);
        throw error;
      }
      logger[error instanceof OwnerFacingError ? "info" : "error"]("question failed", { questionId, attempt, error: err.message });
      await failAnswer(started, error instanceof OwnerFacingError ? error.userMessage : FAILED, error instanceof OwnerFacingError ? error.code : "question-failed");
      throw new UnrecoverableError(err.message);
    }
  },
};
