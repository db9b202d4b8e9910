/**
 * Corpus-aware term weights: a sublinear term frequency times an inverse document frequency taken
 * from the owner's library statistics, so that a word found in every document weighs nothing and
 * a rare word two documents share weighs a lot. The same weights make the local embedding (hashed,
 * then projected by what was learned from the library) and the explanations.
 */
import { l2Normalize } from "@/lib/ai/vector";
import { project, type Projection, type SparseVector } from "./projection";
import { hashTerm, STATISTICS_BUCKETS, termBucket, type DocumentTerms } from "./terms";

/** One version of an owner's library statistics: how many documents, their mean length, and each term bucket's document frequency. */
export interface LibraryStatistics {
  /** 0: no statistics yet (every term weighs the same). */
  version: number;
  documents: number;
  averageLength: number;
  /** Documents containing a term of each bucket (STATISTICS_BUCKETS entries). */
  documentFrequency: Int32Array;
  /** The learned projection of the local embedding; null before the library has enough documents. */
  projection: Projection | null;
}

/** Before any library statistics exist: plain sublinear term frequencies, no projection. */
export const NO_STATISTICS: LibraryStatistics = { version: 0, documents: 0, averageLength: 0, documentFrequency: new Int32Array(0), projection: null };

/** A term found in fewer documents than this cannot be learned by the projection: it goes to the residual part of the vector. */
const MIN_DOCUMENT_FREQUENCY = 2;
/** Terms kept per document, heaviest first: the rest weigh little and, hashed, add noise (measured on the labelled set). */
export const TERMS_PER_DOCUMENT = 200;
/** Buckets of the sparse vectors the projection is learned on and applied to. */
export const SPARSE_BUCKETS = 1 << 15;
/** Dimensions of the local vector that hold the terms the projection does not know (hashed). */
export const RESIDUAL_DIMENSIONS = 16;
/**
 * How the share of a document's weight on terms the library shares sets the projected part's
 * length: the square root, measured between P@5 (exponent 0: 0.968, pulled towards the library by
 * a few known words) and leaks (exponent 1: P@5 0.933).
 */
const KNOWN_SHARE_EXPONENT = 0.5;

/** Inverse document frequency: ln((N + 1) / (df + 1)); 0 for a term in every document, 1 for every term without statistics. */
export function inverseDocumentFrequency(statistics: LibraryStatistics, term: string): number {
  if (statistics.documents === 0) return 1;
  const df = statistics.documentFrequency[termBucket(term)];
  return Math.log((statistics.documents + 1) / (Math.min(df, statistics.documents) + 1));
}

/** A document's term weights, at unit length: (1 + ln tf) · idf, the TERMS_PER_DOCUMENT heaviest. */
export function termWeights(terms: DocumentTerms, statistics: LibraryStatistics): Map<string, number> {
  const weighted: [string, number][] = [];
  for (const [term, count] of terms.counts) {
    const weight = (1 + Math.log(count)) * inverseDocumentFrequency(statistics, term);
    if (weight > 0) weighted.push([term, weight]);
  }
  weighted.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const kept = weighted.slice(0, TERMS_PER_DOCUMENT);
  const norm = Math.sqrt(kept.reduce((sum, [, w]) => sum + w * w, 0)) || 1;
  return new Map(kept.map(([term, weight]) => [term, weight / norm]));
}

/** The weights of terms other documents of the library share (what a projection can be learned from and applied to). */
export function sharedWeights(weights: Map<string, number>, statistics: LibraryStatistics): Map<string, number> {
  return new Map([...weights].filter(([term]) => statistics.documentFrequency[termBucket(term)] >= MIN_DOCUMENT_FREQUENCY));
}

/** Feature hashing into `buckets` (the hash's top bit gives the sign, so collisions cancel out on average). */
export function hashedSparse(weights: Map<string, number>, buckets = SPARSE_BUCKETS): SparseVector {
  const vector: SparseVector = new Map();
  for (const [term, weight] of weights) {
    const hash = hashTerm(term);
    const bucket = hash % buckets;
    vector.set(bucket, (vector.get(bucket) ?? 0) + (hash >>> 31 ? -weight : weight));
  }
  return vector;
}

function hashedDense(weights: Map<string, number>, dimensions: number): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const [bucket, value] of hashedSparse(weights, dimensions)) vector[bucket] = value;
  return l2Normalize(vector);
}

/**
 * The local embedding of weighted terms, at unit length. With a projection: the terms the library
 * shares, projected (the first dimensions), and the others hashed (the last RESIDUAL_DIMENSIONS),
 * each part in proportion to its share of the weight, so that a document mostly made of words
 * the library does not know is not pulled towards the library by its few known words. Without a
 * projection: every term hashed straight into `dimensions`.
 */
export function embedWeights(weights: Map<string, number>, statistics: LibraryStatistics, dimensions: number): number[] {
  if (!statistics.projection) return hashedDense(weights, dimensions);
  const shared = sharedWeights(weights, statistics);
  const rest = new Map([...weights].filter(([term]) => !shared.has(term)));
  const projected = l2Normalize(project(statistics.projection, hashedSparse(shared)));
  const known = projected.some((x) => x !== 0) ? Math.sqrt([...shared.values()].reduce((sum, w) => sum + w * w, 0)) : 0;
  const residual = hashedDense(rest, RESIDUAL_DIMENSIONS);
  const share = Math.pow(known, KNOWN_SHARE_EXPONENT);
  const unknown = Math.sqrt(Math.max(0, 1 - share * share));
  return l2Normalize([...projected.map((x) => x * share), ...residual.map((x) => x * unknown)]);
}

/** A term a document is known by, with its share of the document's weight (weights of a document are scaled to unit length). */
export type KeyTerm = [term: string, weight: number];

/** The `count` heaviest terms of a document (weights at unit length, as `termWeights` gives them), shown as the word they are most often written as. */
export function keyTerms(weights: Map<string, number>, surface: Map<string, string>, count: number): KeyTerm[] {
  return [...weights]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, count)
    .map(([term, weight]) => [surface.get(term) ?? term, Math.round(weight * 1e4) / 1e4]);
}

/** Document frequencies being counted, one document at a time, for a new statistics version. */
export class StatisticsCounter {
  private readonly frequency = new Int32Array(STATISTICS_BUCKETS);
  private documents = 0;
  private tokens = 0;

  /** Counts a document's terms (each bucket once per document). */
  add(terms: DocumentTerms): void {
    const seen = new Set<number>();
    for (const term of terms.counts.keys()) seen.add(termBucket(term));
    for (const bucket of seen) this.frequency[bucket] += 1;
    this.documents += 1;
    this.tokens += terms.length;
  }

  /** The statistics counted so far, as version `version` (the projection is learned afterwards, from them). */
  result(version: number): LibraryStatistics {
    return { version, documents: this.documents, averageLength: this.documents ? this.tokens / this.documents : 0, documentFrequency: this.frequency, projection: null };
  }
}
