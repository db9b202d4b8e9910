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

/** Where a candidate's own similar list stands. */
export interface ListState {
  /** How many documents its similar list holds. */
  listed: number;
  /** The lowest score in that list; null when the list is empty. */
  lowest: number | null;
  /** Its list already holds the new document (from an earlier run of it). */
  listsDocument: boolean;
}

/** The documents a new one is compared with: ids, unit vectors in one row-major matrix, list states. */
export interface Candidates {
  ids: string[];
  /** Row `i` (`dimensions` values from `i * dimensions`) is the vector of `ids[i]`. */
  vectors: Float32Array;
  dimensions: number;
  lists: ListState[];
}

/**
 * The top `limit` rows of `vectors` (row-major, one row per id, all unit length) by dot product
 * with `query`, that is by cosine, best first; equal scores go to the smaller id. With `scores`,
 * every row's score is also written there, at the row's index.
 */
export function nearest(query: Float32Array, ids: readonly string[], vectors: Float32Array, limit: number, scores?: Float64Array): Neighbour[] {
  const dimensions = query.length;
  const rows = ids.length;
  if (vectors.length !== rows * dimensions) throw new VectorShapeError(`${rows} vectors of length ${dimensions} cannot fill ${vectors.length} values.`);
  const k = Math.max(0, Math.min(limit, rows));
  // The best k so far, best first: row indexes and their scores.
  const bestRow = new Int32Array(k);
  const bestScore = new Float64Array(k);
  let size = 0;
  for (let row = 0; row < rows; row++) {
    const offset = row * dimensions;
    let dot = 0;
    for (let i = 0; i < dimensions; i++) dot += vectors[offset + i] * query[i];
    if (scores !== undefined) scores[row] = dot;
    if (size === k) {
      if (k === 0) continue;
      const worst = bestScore[k - 1];
      if (dot < worst || (dot === worst && ids[row] >= ids[bestRow[k - 1]])) continue;
    }
    let at = size === k ? k - 1 : size++;
    while (at > 0 && (bestScore[at - 1] < dot || (bestScore[at - 1] === dot && ids[bestRow[at - 1]] > ids[row]))) {
      bestScore[at] = bestScore[at - 1];
      bestRow[at] = bestRow[at - 1];
      at -= 1;
    }
    bestScore[at] = dot;
    bestRow[at] = row;
  }
  return Array.from(bestRow.subarray(0, size), (row, rank) => ({ id: ids[row], score: bestScore[rank] }));
}

/**
 * Whether a document scoring `score` against a candidate belongs in the candidate's top `limit`:
 * its list is not full, or the score reaches its lowest (equal scores are settled by id when the
 * list is re-ranked), or the list holds the document already (its score must be brought up to date).
 */
export function entersList(list: ListState, score: number, limit: number): boolean {
  return list.listsDocument || list.listed < limit || list.lowest === null || score >= list.lowest;
}

/**
 * The documents `document` is compared with, in one query: the owner's other documents embedded
 * by the same model whose own similar lists exist or are being made (processing or done at the
 * similar stage), with their vectors (copied into one matrix) and the state of their similar lists.
 */
export async function loadCandidates(
  tx: Prisma.TransactionClient,
  document: Pick<Document, "id" | "ownerId" | "embeddingModel" | "vector">,
): Promise<Candidates> {
  const dimensions = (document.vector?.byteLength ?? 0) / 4;
  if (!document.vector || !document.embeddingModel || dimensions === 0) return { ids: [], vectors: new Float32Array(0), dimensions, lists: [] };
  const rows = await tx.$queryRaw<{ id: string; vector: Uint8Array; listed: number; lowest: number | null; lists_document: boolean }[]>`
    SELECT d."id", d."vector", l."listed", l."lowest", l."lists_document"
    FROM "Document" d
    -- Per candidate through Similarity's primary key, a plan that does not depend on the tables'
    -- statistics. (A join on an aggregate of the owner's lists took 118 s instead of 1.5 s once in
    -- the benchmark, right after the lists were filled and before the tables were analyzed.)
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
  const vectors = new Float32Array(rows.length * dimensions);
  rows.forEach((row, i) => vectors.set(decodeVector(row.vector), i * dimensions));
  return {
    ids: rows.map((row) => row.id),
    vectors,
    dimensions,
    lists: rows.map((row) => ({ listed: row.listed, lowest: row.lowest, listsDocument: row.lists_document })),
  };
}

/** Stores the document's nearest neighbours and adds it to theirs where it ranks in their top `limit`. */
export async function refreshSimilar(tx: Prisma.TransactionClient, document: Document, limit: number): Promise<void> {
  if (!document.vector || document.vector.byteLength === 0 || !document.embeddingModel) return;
  // One owner's similarity lists change one document at a time, so concurrent jobs never race.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${document.ownerId}))`;
  const candidates = await loadCandidates(tx, document);
  const scores = new Float64Array(candidates.ids.length);
  const own = nearest(decodeVector(document.vector), candidates.ids, candidates.vectors, limit, scores);

  await tx.similarity.deleteMany({ where: { documentId: document.id } });
  if (own.length > 0) {
    await tx.similarity.createMany({
      data: own.map((n, index) => ({ documentId: document.id, similarId: n.id, score: n.score, rank: index + 1 })),
    });
  }

  // Offer this document only to the neighbours whose top `limit` it enters, then re-rank those lists.
  const ids: string[] = [];
  const offered: number[] = [];
  candidates.lists.forEach((list, index) => {
    if (entersList(list, scores[index], limit)) {
      ids.push(candidates.ids[index]);
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
