/** Stage 4: the nearest documents of the same owner, stored with scores, and the neighbours' lists refreshed. */
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { refreshSimilar } from "@/lib/similarity";
import type { StageHandler } from "./handler";

export const similar: StageHandler = {
  async handle({ document, reportProgress, complete }) {
    await reportProgress(0.1);
    // The lists and the stage's completion commit together. The scan grows with the owner's
    // library, and jobs of one owner wait for each other's lock: Prisma's default timeout (5 s)
    // is too short for large libraries.
    await prisma.$transaction(
      async (tx) => {
        await refreshSimilar(tx, document, env.SIMILAR_LIMIT);
        await complete({}, tx);
      },
      { timeout: env.SIMILAR_TIMEOUT_MS, maxWait: 10_000 },
    );
    return {};
  },
};
