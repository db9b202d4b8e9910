/** Two vectors that should have the same length do not, or there is nothing to combine. */
export class VectorShapeError extends Error {
  override readonly name = "VectorShapeError";
}

/** Cosine of the angle between two vectors; 0 when either is all zeros. */
export function cosineSimilarity(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new VectorShapeError(`Cannot compare vectors of length ${a.length} and ${b.length}.`);
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    normA += a[i] * a[i];
    normB += b[i] * b[i];
  }
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

/** Scale a vector to unit length (an all-zero vector stays as it is). */
export function l2Normalize(vector: readonly number[]): number[] {
  const norm = Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
  return norm === 0 ? [...vector] : vector.map((x) => x / norm);
}

/** The unit-length mean of several vectors, e.g. one document vector from its chunks' vectors. */
export function meanVector(vectors: readonly (readonly number[])[]): number[] {
  if (vectors.length === 0) throw new VectorShapeError("Cannot average zero vectors.");
  const sum = new Array<number>(vectors[0].length).fill(0);
  for (const vector of vectors) {
    if (vector.length !== sum.length) throw new VectorShapeError(`Cannot average vectors of length ${sum.length} and ${vector.length}.`);
    vector.forEach((x, i) => (sum[i] += x));
  }
  return l2Normalize(sum);
}
