/**
 * Stage 4: the nearest documents of the same owner through the vector index, stored with scores,
 * shared terms and near-duplicate marks, and the neighbours' lists refreshed. Queues new library
 * statistics once the library has grown enough since the last ones.
 */
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import type { Document } from "@/lib/generated/prisma/client";
import { encodeVector } from "@/lib/ai/vector";
import { statisticsJobId } from "@/lib/pipeline/table";
import { enqueueTask } from "@/lib/pipeline/tasks";
import {
  currentStatistics,
  isLocalEmbeddingModel,
  listSettings,
  localEmbedding,
  localEmbeddingModel,
  refreshSimilar,
  statisticsDue,
  vectorIndex,
} from "@/lib/similarity";
import type { StageHandler } from "./handler";

/**
 * A local vector made under older statistics than the owner's latest (they changed while the
 * document waited) is made again, so that the index only ever compares vectors of one model.
 */
async function underLatestStatistics(document: Document) {
  const statistics = await currentStatistics(document.ownerId);
  if (!isLocalEmbeddingModel(document.embeddingModel) || document.embeddingModel === localEmbeddingModel(statistics) || !document.text) {
    return { document, output: {}, statistics };
  }
  const embedded = localEmbedding(document.text, statistics);
  const output = { vector: encodeVector(embedded.vector), embeddingModel: localEmbeddingModel(statistics), keyTerms: embedded.keyTerms, minhash: embedded.minhash };
  return { document: { ...document, ...output }, output, statistics };
}

export const similar: StageHandler = {
  async handle({ document: started, reportProgress, complete }) {
    await reportProgress(0.1, "Loading the index");
    const { document, output, statistics } = await underLatestStatistics(started);
    const index = await vectorIndex();
    if (document.embeddingModel && document.vector) {
      await index.warm(prisma, document.ownerId, document.embeddingModel, document.vector.byteLength / 4);
    }
    await reportProgress(0.3, "Searching your documents");
    // The lists and the stage's completion commit together; jobs of one owner wait for each
    // other's lock, so the transaction has its own time limit.
    await prisma.$transaction(
      async (tx) => {
        await refreshSimilar(tx, document, index, listSettings(), () => reportProgress(0.6, "Saving the similar lists"));
        await complete(output, tx);
      },
      { timeout: env.SIMILAR_TIMEOUT_MS, maxWait: 10_000 },
    );
    if (document.embeddingModel) {
      // The index learns of this document on its next query: count it here.
      const size = (await index.size(prisma, document.ownerId, document.embeddingModel)) + 1;
      if (statisticsDue(size, statistics, { minDocuments: env.SIMILAR_STATISTICS_MIN_DOCUMENTS, growth: env.SIMILAR_STATISTICS_GROWTH })) {
        await enqueueTask("similarity-statistics", { ownerId: document.ownerId }, statisticsJobId(document.ownerId, statistics.version + 1));
      }
    }
    return {};
  },
};
