/** Two vectors that should have the same length do not, or there is nothing to combine. */
export class VectorShapeError extends Error {
  override readonly name = "VectorShapeError";
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

const BYTES_PER_VALUE = 4;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * The stored form of a vector (the Document `vector` column): scaled to unit length, then float32
 * values in little-endian order, 4 bytes each. Cosine similarity of two stored vectors is their
 * dot product.
 */
export function encodeVector(vector: readonly number[]): Uint8Array<ArrayBuffer> {
  const unit = l2Normalize(vector);
  const bytes = new Uint8Array(unit.length * BYTES_PER_VALUE);
  if (LITTLE_ENDIAN_HOST) new Float32Array(bytes.buffer).set(unit);
  else {
    const view = new DataView(bytes.buffer);
    unit.forEach((x, i) => view.setFloat32(i * BYTES_PER_VALUE, x, true));
  }
  return bytes;
}

/**
 * A stored vector as a Float32Array: a view on the same memory where that is possible (little-endian
 * host, 4-byte aligned), else a copy.
 */
export function decodeVector(bytes: Uint8Array): Float32Array {
  if (bytes.byteLength % BYTES_PER_VALUE !== 0) throw new VectorShapeError(`A stored vector cannot be ${bytes.byteLength} bytes long.`);
  const length = bytes.byteLength / BYTES_PER_VALUE;
  if (LITTLE_ENDIAN_HOST && bytes.byteOffset % BYTES_PER_VALUE === 0) return new Float32Array(bytes.buffer, bytes.byteOffset, length);
  const vector = new Float32Array(length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < length; i++) vector[i] = view.getFloat32(i * BYTES_PER_VALUE, true);
  return vector;
}
