/** The similarity baseline: vectors in one Float32Array, scanned with dot products (they are unit length). */

/** Packs equal-length vectors into one row-major Float32Array. */
export function toFloat32Rows(vectors: readonly ArrayLike<number>[], dimensions: number): Float32Array {
  const matrix = new Float32Array(vectors.length * dimensions);
  vectors.forEach((vector, row) => matrix.set(vector, row * dimensions));
  return matrix;
}

/** Row indexes of the `k` largest dot products with `query`, best first. */
export function scanTopK(matrix: Float32Array, dimensions: number, query: Float32Array, k: number): number[] {
  const best: { row: number; score: number }[] = [];
  const rows = matrix.length / dimensions;
  for (let row = 0; row < rows; row++) {
    let dot = 0;
    const offset = row * dimensions;
    for (let i = 0; i < dimensions; i++) dot += matrix[offset + i] * query[i];
    if (best.length === k && dot <= best[k - 1].score) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && best[at - 1].score < dot) {
      best[at] = best[at - 1];
      at -= 1;
    }
    best[at] = { row, score: dot };
  }
  return best.map((entry) => entry.row);
}
