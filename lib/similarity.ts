/**
 * Nearest neighbours by cosine similarity among one owner's documents embedded by the same
 * model. An exact scan: correct at any size, fast for a person's library; pgvector can replace
 * the scan where the extension exists. Neighbours learn about the new document too.
 */
import type { Document, Prisma } from "./generated/prisma/client";
import { cosineSimilarity } from "./ai/vector";

interface Neighbour {
  id: string;
  score: number;
}

/** The top `limit` neighbours of `vector` among candidates, best first. */
export function nearest(vector: number[], candidates: { id: string; embedding: number[] }[], limit: number): Neighbour[] {
  return candidates
    .map((candidate) => ({ id: candidate.id, score: cosineSimilarity(vector, candidate.embedding) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit);
}

/** Stores the document's nearest neighbours and adds it to theirs where it ranks in their top `limit`. */
export async function refreshSimilar(tx: Prisma.TransactionClient, document: Document, limit: number): Promise<void> {
  if (document.embedding.length === 0 || !document.embeddingModel) return;
  // One owner's similarity lists change one document at a time, so concurrent jobs never race.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${document.ownerId}))`;
  const candidates = await tx.document.findMany({
    where: {
      ownerId: document.ownerId,
      id: { not: document.id },
      embeddingModel: document.embeddingModel,
      status: { in: ["processing", "done"] },
      stage: { in: ["similar"] },
    },
    select: { id: true, embedding: true },
  });
  const scored = nearest(document.embedding, candidates, candidates.length);
  const own = scored.slice(0, limit);

  await tx.similarity.deleteMany({ where: { documentId: document.id } });
  if (own.length > 0) {
    await tx.similarity.createMany({
      data: own.map((n, index) => ({ documentId: document.id, similarId: n.id, score: n.score, rank: index + 1 })),
    });
  }

  // Offer this document to every neighbour, then keep each neighbour's best `limit`.
  if (scored.length === 0) return;
  const ids = scored.map((n) => n.id);
  const scores = scored.map((n) => n.score);
  await tx.$executeRaw`
    INSERT INTO "Similarity" ("documentId", "similarId", "score", "rank")
    SELECT unnest(${ids}::uuid[]), ${document.id}::uuid, unnest(${scores}::float8[]), ${limit + 1}
    ON CONFLICT ("documentId", "similarId") DO UPDATE SET "score" = EXCLUDED."score"`;
  await tx.$executeRaw`
    WITH ranked AS (
      SELECT "documentId", "similarId",
             row_number() OVER (PARTITION BY "documentId" ORDER BY "score" DESC, "similarId") AS r
      FROM "Similarity" WHERE "documentId" = ANY(${ids}::uuid[])
    )
    DELETE FROM "Similarity" s USING ranked
    WHERE s."documentId" = ranked."documentId" AND s."similarId" = ranked."similarId" AND ranked.r > ${limit}`;
  await tx.$executeRaw`
    WITH ranked AS (
      SELECT "documentId", "similarId",
             row_number() OVER (PARTITION BY "documentId" ORDER BY "score" DESC, "similarId") AS r
      FROM "Similarity" WHERE "documentId" = ANY(${ids}::uuid[])
    )
    UPDATE "Similarity" s SET "rank" = ranked.r FROM ranked
    WHERE s."documentId" = ranked."documentId" AND s."similarId" = ranked."similarId"`;
}
