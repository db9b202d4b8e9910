/**
 * Similar documents: term weighting under versioned library statistics (./weighting,
 * ./statistics), the local embedding (./embedding, ./projection), the vector index (./index/:
 * embedded HNSW cache, pgvector, exact scan), find-similar (./find-similar), the cut-off and
 * reasons (./reasons) and near-duplicates (./near-duplicates).
 */
import path from "node:path";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { EmbeddedVectorIndex } from "./index/cache";
import { PgvectorIndex } from "./index/pgvector";
import type { VectorIndex } from "./index/vector-index";

export { entersList, lockOwner, rebuildList, refreshSimilar, type ListSettings, type ListState } from "./find-similar";
export { nearest, type Neighbour } from "./index/exact";
export type { IndexedDocument, VectorIndex } from "./index/vector-index";
export { EmbeddedVectorIndex } from "./index/cache";
export { currentStatistics, countStatistics, statisticsDue } from "./statistics";
export { yieldToEventLoop } from "./yield";
export { describeText, isLocalEmbeddingModel, localEmbedding, localEmbeddingModel, LOCAL_EMBEDDING_DIMENSIONS } from "./embedding";
export { applyCutOff, scoreLabel, sharedTerms } from "./reasons";

let chosen: Promise<VectorIndex> | undefined;

/** Whether this database has pgvector and the migration's embedding column. */
async function hasPgvector(): Promise<boolean> {
  const rows = await prisma.$queryRaw<{ ok: boolean }[]>`
    SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'vector')
       AND EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'Document' AND column_name = 'embedding') AS ok`;
  return rows[0]?.ok === true;
}

/** The process's vector index: pgvector where the server has it (or SIMILAR_INDEX says so), else the embedded one. */
export function vectorIndex(): Promise<VectorIndex> {
  chosen ??= (async () => {
    const pgvector = env.SIMILAR_INDEX === "pgvector" || (env.SIMILAR_INDEX === "auto" && (await hasPgvector()));
    if (pgvector) return new PgvectorIndex(env.SIMILAR_EF_SEARCH);
    return new EmbeddedVectorIndex({
      exactBelow: env.SIMILAR_EXACT_BELOW,
      efSearch: env.SIMILAR_EF_SEARCH,
      m: env.SIMILAR_HNSW_M,
      efConstruction: env.SIMILAR_HNSW_EF_CONSTRUCTION,
      directory: env.SIMILAR_INDEX_DIR ?? path.join(env.DATA_DIR, "similarity-index"),
    });
  })();
  chosen.catch(() => (chosen = undefined));
  return chosen;
}

/** Settings of the similar lists, from the environment. */
export function listSettings() {
  return { limit: env.SIMILAR_LIMIT, minScore: env.SIMILAR_MIN_SCORE };
}

/** The cut-off people see, from the environment. */
export function cutOff() {
  return { minScore: env.SIMILAR_MIN_SCORE, relativeScore: env.SIMILAR_RELATIVE_SCORE };
}
