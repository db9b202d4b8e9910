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

/**
 * Synthetic document vectors from a topic mixture: `topics` random unit topic directions (topic
 * popularity falls off as 1/rank); each document mixes a main topic (weight 1), a second (0 to
 * 0.5) and a third (0 to 0.25), plus Gaussian noise of norm about `noise`, then is scaled to unit
 * length. Deterministic for a seed, like the lexical vectors of a library with themes.
 */
export class TopicMixture {
  private readonly centers: Float32Array;
  private readonly cumulative: Float64Array;
  private state: number;

  constructor(readonly dimensions: number, readonly topics = 2000, readonly noise = 0.6, seed = 42) {
    this.state = seed;
    this.centers = new Float32Array(topics * dimensions);
    for (let t = 0; t < topics; t++) {
      const v = Array.from({ length: dimensions }, () => this.gaussian());
      const norm = Math.hypot(...v);
      v.forEach((x, i) => (this.centers[t * dimensions + i] = x / norm));
    }
    this.cumulative = new Float64Array(topics);
    let sum = 0;
    for (let t = 0; t < topics; t++) this.cumulative[t] = sum += 1 / (t + 1);
    this.cumulative.forEach((c, t) => (this.cumulative[t] = c / sum));
  }

  private uniform(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  private gaussian(): number {
    return Math.sqrt(-2 * Math.log(1 - this.uniform())) * Math.cos(2 * Math.PI * this.uniform());
  }

  private topic(): number {
    const u = this.uniform();
    let low = 0;
    let high = this.topics - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.cumulative[mid] < u) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** The next document's unit vector. */
  next(): Float32Array {
    const d = this.dimensions;
    const v = new Float32Array(d);
    const weights = [1, 0.5 * this.uniform(), 0.25 * this.uniform()];
    for (const weight of weights) {
      const t = this.topic();
      for (let i = 0; i < d; i++) v[i] += weight * this.centers[t * d + i];
    }
    const sigma = this.noise / Math.sqrt(d);
    for (let i = 0; i < d; i++) v[i] += sigma * this.gaussian();
    let norm = 0;
    for (let i = 0; i < d; i++) norm += v[i] * v[i];
    norm = Math.sqrt(norm);
    for (let i = 0; i < d; i++) v[i] /= norm;
    return v;
  }
}
