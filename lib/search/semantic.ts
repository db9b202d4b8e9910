/**
 * The semantic list: the query embedded by the provider that embedded the documents, with the
 * same model (for the local provider, under the owner's current library statistics), answered by
 * the vector index of similar documents (lib/similarity). Documents of another model (not yet
 * re-embedded) take no part: vectors of two models are never compared.
 */
import { aiProvider } from "@/lib/ai";
import { prisma } from "@/lib/db";
import { currentStatistics, lockOwner, vectorIndex } from "@/lib/similarity";

export interface SemanticHit {
  id: string;
  /** Cosine of the query's and the document's vectors. */
  score: number;
}

/** No document has this id: the query is not a document, so the index leaves nothing out. */
const NO_DOCUMENT = "00000000-0000-0000-0000-000000000000";
/** The index's answer waits for the owner's lock at most this long (find-similar holds it while it writes a list). */
const LOCK_TIMEOUT_MS = 10_000;

/** The query's vector and the model it is comparable with. */
export async function embedQuery(ownerId: string, query: string, signal?: AbortSignal): Promise<{ vector: Float32Array; model: string }> {
  const provider = aiProvider();
  const statistics = await currentStatistics(ownerId);
  const [vector] = await provider.embed([query], { statistics, signal });
  return { vector: Float32Array.from(vector), model: provider.embeddingModelFor?.(statistics) ?? provider.embeddingModel };
}

/**
 * The owner's `k` documents nearest the query's vector, best first, that reach `minScore`; and how
 * many of the `k` nearest reach it (the semantic part of a search's total).
 */
export async function semanticHits(ownerId: string, query: string, k: number, minScore: number): Promise<SemanticHit[]> {
  const { vector, model } = await embedQuery(ownerId, query);
  if (!vector.some((x) => x !== 0)) return [];
  const index = await vectorIndex();
  // Building an owner's index the first time takes a while at scale: outside the transaction and its lock.
  await index.warm(prisma, ownerId, model, vector.length);
  const found = await prisma.$transaction(
    async (tx) => {
      await lockOwner(tx, ownerId);
      return index.search(tx, { id: NO_DOCUMENT, ownerId, embeddingModel: model, vector }, k);
    },
    { timeout: LOCK_TIMEOUT_MS + 20_000, maxWait: LOCK_TIMEOUT_MS },
  );
  return found.filter((hit) => hit.score >= minScore);
}
