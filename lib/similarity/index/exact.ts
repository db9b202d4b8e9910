/**
 * The exact scan: every candidate's unit vector in one row-major Float32Array, scored with a dot
 * product, keeping only the best `limit`. The fallback for small libraries and the baseline the
 * benchmark compares the approximate indexes with.
 */
import { VectorShapeError } from "@/lib/ai/vector";

export interface Neighbour {
  id: string;
  score: number;
}

/**
 * The top `limit` rows of `vectors` (row-major, one row per id, all unit length) by dot product
 * with `query`, that is by cosine, best first; equal scores go to the smaller id. With `scores`,
 * every row's score is also written there, at the row's index. Rows whose `skip` is set are left out.
 */
export function nearest(query: Float32Array, ids: readonly string[], vectors: Float32Array, limit: number, scores?: Float64Array, skip?: Uint8Array): Neighbour[] {
  const dimensions = query.length;
  const rows = ids.length;
  if (vectors.length !== rows * dimensions) throw new VectorShapeError(`${rows} vectors of length ${dimensions} cannot fill ${vectors.length} values.`);
  const k = Math.max(0, Math.min(limit, rows));
  // The best k so far, best first: row indexes and their scores.
  const bestRow = new Int32Array(k);
  const bestScore = new Float64Array(k);
  let size = 0;
  for (let row = 0; row < rows; row++) {
    if (skip?.[row]) continue;
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
