/**
 * Nearest neighbours by cosine similarity among one owner's documents embedded by the same
 * model. An exact scan: every candidate's stored vector (unit length, float32) is loaded in one
 * query and scored with a dot product, keeping only the best `limit`. pgvector can replace the
 * scan where the extension exists. Neighbours learn about the new document too, but only those
 * whose own list it enters.
 */
import type { Document, Prisma } from "./generated/prisma/client";
import { decodeVector, VectorShapeError } from "./ai/vector";

export interface Neighbour {
  id: string;
  score: number;
}

/** A document the new one is compared with, and where its own similar list stands. */
export interface Candidate {
  id: string;
  /** Unit length, so a dot product is the cosine. */
  vector: Float32Array;
  /** How many documents its similar list holds. */
  listed: number;
  /** The lowest score in that list; null when the list is empty. */
  lowest: number | null;
  /** Its list already holds the new document (from an earlier run of it). */
  listsDocument: boolean;
}

/**
 * The top `limit` candidates by dot product with `query` (all vectors unit length, so by cosine),
 * best first; equal scores go to the smaller id. With `scores`, every candidate's score is also
 * written there, at the candidate's index.
 */
export function nearest(
  query: Float32Array,
  candidates: readonly Pick<Candidate, "id" | "vector">[],
  limit: number,
  scores?: Float64Array,
): Neighbour[] {
  const dimensions = query.length;
  const k = Math.max(0, Math.min(limit, candidates.length));
  // The best k so far, best first: candidate indexes and their scores.
  const bestIndex = new Int32Array(k);
  const bestScore = new Float64Array(k);
  let size = 0;
  for (let c = 0; c < candidates.length; c++) {
    const vector = candidates[c].vector;
    if (vector.length !== dimensions) throw new VectorShapeError(`Cannot compare vectors of length ${dimensions} and ${vector.length}.`);
    let dot = 0;
    for (let i = 0; i < dimensions; i++) dot += query[i] * vector[i];
    if (scores) scores[c] = dot;
    if (k === 0) continue;
    if (size === k) {
      const worst = bestScore[k - 1];
      if (dot < worst || (dot === worst && candidates[c].id >= candidates[bestIndex[k - 1]].id)) continue;
    }
    let at = size === k ? k - 1 : size++;
    while (at > 0 && (bestScore[at - 1] < dot || (bestScore[at - 1] === dot && candidates[bestIndex[at - 1]].id > candidates[c].id))) {
      bestScore[at] = bestScore[at - 1];
      bestIndex[at] = bestIndex[at - 1];
      at -= 1;
    }
    bestScore[at] = dot;
    bestIndex[at] = c;
  }
  return Array.from(bestIndex.subarray(0, size), (index, rank) => ({ id: candidates[index].id, score: bestScore[rank] }));
}

/**
 * Whether a document scoring `score` against a candidate belongs in the candidate's top `limit`:
 * its list is not full, or the score reaches its lowest (equal scores are settled by id when the
 * list is re-ranked), or the list holds the document already (its score must be brought up to date).
 */
export function entersList(candidate: Pick<Candidate, "listed" | "lowest" | "listsDocument">, score: number, limit: number): boolean {
  return candidate.listsDocument || candidate.listed < limit || candidate.lowest === null || score >= candidate.lowest;
}

/**
 * The documents `document` is compared with, in one query: the owner's other documents embedded
 * by the same model whose own similar lists exist or are being made (processing or done at the
 * similar stage), with their vectors and the state of their similar lists.
 */
export async function loadCandidates(
  tx: Prisma.TransactionClient,
  document: Pick<Document, "id" | "ownerId" | "embeddingModel" | "vector">,
): Promise<Candidate[]> {
  if (!document.vector || !document.embeddingModel) return [];
  const rows = await tx.$queryRaw<{ id: string; vector: Uint8Array; listed: number; lowest: number | null; lists_document: boolean }[]>`
    SELECT d."id", d."vector", l."listed", l."lowest", l."lists_document"
    FROM "Document" d
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS "listed", min(s."score") AS "lowest", coalesce(bool_or(s."similarId" = ${document.id}::uuid), false) AS "lists_document"
      FROM "Similarity" s WHERE s."documentId" = d."id"
    ) l
    WHERE d."ownerId" = ${document.ownerId}
      AND d."id" <> ${document.id}::uuid
      AND d."embeddingModel" = ${document.embeddingModel}
      AND d."status" IN ('processing', 'done')
      AND d."stage" = 'similar'
      AND octet_length(d."vector") = ${document.vector.byteLength}`;
  return rows.map((row) => ({
    id: row.id,
    vector: decodeVector(row.vector),
    listed: row.listed,
    lowest: row.lowest,
    listsDocument: row.lists_document,
  }));
}

/** Stores the document's nearest neighbours and adds it to theirs where it ranks in their top `limit`. */
export async function refreshSimilar(tx: Prisma.TransactionClient, document: Document, limit: number): Promise<void> {
  if (!document.vector || document.vector.byteLength === 0 || !document.embeddingModel) return;
  // One owner's similarity lists change one document at a time, so concurrent jobs never race.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${document.ownerId}))`;
  const candidates = await loadCandidates(tx, document);
  const scores = new Float64Array(candidates.length);
  const own = nearest(decodeVector(document.vector), candidates, limit, scores);

  await tx.similarity.deleteMany({ where: { documentId: document.id } });
  if (own.length > 0) {
    await tx.similarity.createMany({
      data: own.map((n, index) => ({ documentId: document.id, similarId: n.id, score: n.score, rank: index + 1 })),
    });
  }

  // Offer this document only to the neighbours whose top `limit` it enters, then re-rank those lists.
  const ids: string[] = [];
  const offered: number[] = [];
  candidates.forEach((candidate, index) => {
    if (entersList(candidate, scores[index], limit)) {
      ids.push(candidate.id);
      offered.push(scores[index]);
    }
  });
  if (ids.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "Similarity" ("documentId", "similarId", "score", "rank")
    SELECT unnest(${ids}::uuid[]), ${document.id}::uuid, unnest(${offered}::float8[]), ${limit + 1}
    ON CONFLICT ("documentId", "similarId") DO UPDATE SET "score" = EXCLUDED."score"`;
  await tx.$executeRaw`
    WITH ranked AS (
      SELECT "documentId", "similarId", "rank",
             row_number() OVER (PARTITION BY "documentId" ORDER BY "score" DESC, "similarId") AS r
      FROM "Similarity" WHERE "documentId" = ANY(${ids}::uuid[])
    ),
    trimmed AS (
      DELETE FROM "Similarity" s USING ranked
      WHERE s."documentId" = ranked."documentId" AND s."similarId" = ranked."similarId" AND ranked.r > ${limit}
    )
    UPDATE "Similarity" s SET "rank" = ranked.r FROM ranked
    WHERE s."documentId" = ranked."documentId" AND s."similarId" = ranked."similarId"
      AND ranked.r <= ${limit} AND s."rank" <> ranked.r`;
}
