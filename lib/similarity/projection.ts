/**
 * A low-rank projection learned from the owner's library (latent semantic analysis): the top
 * singular directions of the documents' weighted term vectors, found by a randomized SVD over a
 * sample of the library. Documents are projected onto them (scaled by the singular values), so
 * terms that occur together in the library pull documents together even where the two share few
 * words, and the vectors are short (128 values) for the index.
 */

/** A learned projection: for each term bucket the sample used, its row of `dimensions` values. */
export interface Projection {
  dimensions: number;
  /** Sorted term buckets. */
  buckets: Int32Array;
  /** Row `i` (`dimensions` values from `i * dimensions`) belongs to `buckets[i]`. */
  rows: Float32Array;
}

/** A sparse vector: bucket → value. */
export type SparseVector = Map<number, number>;

/** Extra random directions and power iterations of the randomized SVD (Halko, Martinsson and Tropp). */
const OVERSAMPLE = 16;
const POWER_ITERATIONS = 2;

/** mulberry32: a small deterministic generator, so the same library learns the same projection. */
function generator(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Orthonormalises the columns of `y` (rows × cols, row-major) in place (modified Gram–Schmidt). */
function orthonormalize(y: Float64Array, rows: number, cols: number): void {
  for (let a = 0; a < cols; a++) {
    for (let b = 0; b < a; b++) {
      let dot = 0;
      for (let r = 0; r < rows; r++) dot += y[r * cols + a] * y[r * cols + b];
      for (let r = 0; r < rows; r++) y[r * cols + a] -= dot * y[r * cols + b];
    }
    let norm = 0;
    for (let r = 0; r < rows; r++) norm += y[r * cols + a] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let r = 0; r < rows; r++) y[r * cols + a] /= norm;
  }
}

/** Eigenvalues and eigenvectors (columns of the result) of a symmetric n×n matrix, by cyclic Jacobi rotations. */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 50; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]), vectors: v };
}

/**
 * Learns a projection onto the top `dimensions` singular directions of `sample` (one sparse row
 * per document), each direction scaled by its singular value. A sample of fewer documents than
 * dimensions has fewer directions: the rest of each vector stays 0. Null for fewer than 2 rows.
 */
export function learnProjection(sample: SparseVector[], dimensions: number, seed = 1): Projection | null {
  const rows = sample.length;
  if (rows < 2) return null;
  const width = Math.min(rows, dimensions + OVERSAMPLE);
  const buckets = [...new Set(sample.flatMap((row) => [...row.keys()]))].sort((a, b) => a - b);
  const column = new Map(buckets.map((bucket, i) => [bucket, i]));
  const random = generator(seed);
  // Y = X Ω, with Ω's rows drawn for the buckets present.
  const omega = Float64Array.from({ length: buckets.length * width }, () => random() * 2 - 1);
  let y = new Float64Array(rows * width);
  const z = new Float64Array(buckets.length * width);
  const timesDense = (dense: Float64Array, out: Float64Array) => {
    out.fill(0);
    sample.forEach((row, r) => {
      for (const [bucket, value] of row) {
        const c = column.get(bucket)! * width;
        for (let k = 0; k < width; k++) out[r * width + k] += value * dense[c + k];
      }
    });
  };
  const transposeTimes = (dense: Float64Array, out: Float64Array) => {
    out.fill(0);
    sample.forEach((row, r) => {
      for (const [bucket, value] of row) {
        const c = column.get(bucket)! * width;
        for (let k = 0; k < width; k++) out[c + k] += value * dense[r * width + k];
      }
    });
  };
  timesDense(omega, y);
  orthonormalize(y, rows, width);
  for (let i = 0; i < POWER_ITERATIONS; i++) {
    transposeTimes(y, z);
    y = new Float64Array(rows * width);
    timesDense(z, y);
    orthonormalize(y, rows, width);
  }
  // Bᵀ = Xᵀ Q; C = B Bᵀ = U Σ² Uᵀ; the scaled right singular directions are Bᵀ U.
  transposeTimes(y, z);
  const gram = new Float64Array(width * width);
  for (let b = 0; b < buckets.length; b++) {
    for (let i = 0; i < width; i++) {
      const zi = z[b * width + i];
      if (zi === 0) continue;
      for (let j = i; j < width; j++) gram[i * width + j] += zi * z[b * width + j];
    }
  }
  for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) gram[i * width + j] = gram[j * width + i];
  const { values, vectors } = symmetricEigen(gram, width);
  const order = Array.from(values.keys())
    .sort((a, b) => values[b] - values[a])
    .slice(0, dimensions)
    .filter((eigen) => values[eigen] > 1e-9);
  const projected = new Float32Array(buckets.length * dimensions);
  for (let b = 0; b < buckets.length; b++) {
    order.forEach((eigen, d) => {
      let sum = 0;
      for (let k = 0; k < width; k++) sum += z[b * width + k] * vectors[k * width + eigen];
      projected[b * dimensions + d] = sum;
    });
  }
  return { dimensions, buckets: Int32Array.from(buckets), rows: projected };
}

/** Projects a sparse vector (its buckets outside the projection count for nothing). */
export function project(projection: Projection, vector: SparseVector): number[] {
  const { dimensions, buckets, rows } = projection;
  const out = new Array<number>(dimensions).fill(0);
  for (const [bucket, value] of vector) {
    const row = binarySearch(buckets, bucket);
    if (row < 0) continue;
    const offset = row * dimensions;
    for (let d = 0; d < dimensions; d++) out[d] += value * rows[offset + d];
  }
  return out;
}

function binarySearch(sorted: Int32Array, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    if (sorted[mid] === value) return mid;
    if (sorted[mid] < value) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}
