/**
 * Vector arithmetic the tests check the app's vectors with (the app itself compares stored
 * unit vectors inside its similarity scan).
 */
import { VectorShapeError } from "@/lib/ai/vector";

/** Cosine of the angle between two vectors of any length; 0 when either is all zeros. For unit vectors, `dotProduct` gives the same for a third of the work. */
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

/** Dot product of two equal-length vectors: their cosine when both are unit length, as stored vectors are. */
export function dotProduct(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new VectorShapeError(`Cannot compare vectors of length ${a.length} and ${b.length}.`);
  let dot = 0;
  for (let i = 0; i < a.length; i++) dot += a[i] * b[i];
  return dot;
}

