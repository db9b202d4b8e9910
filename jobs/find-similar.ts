/** Stage 4: the nearest documents of the same owner, stored with scores. Runs on the `index` queue. */
import { prisma } from "@/lib/db";
import { completeStage } from "@/lib/document-state";
import { env } from "@/lib/env";
import { refreshSimilar } from "@/lib/similarity";
import type { StageJob } from "./stage";

export const findSimilarJob: StageJob = {
  stage: "similar",
  queue: "index",
  async handle({ document, reportProgress }) {
    await reportProgress(0.1);
    // The scan grows with the owner's library, and jobs of one owner wait for each other's lock:
    // Prisma's default timeout (5 s) is too short for large libraries.
    await prisma.$transaction(
      async (tx) => {
        await refreshSimilar(tx, document, env.SIMILAR_LIMIT);
        await completeStage(document, "similar", {}, tx);
      },
      { timeout: env.SIMILAR_TIMEOUT_MS, maxWait: 10_000 },
    );
  },
};
