/** TextRank: how central each sentence is to a text, from how much it shares with the others (TF-IDF cosine similarity). */

const DAMPING = 0.85;
const MAX_RANK_ROUNDS = 50;
/** Power iteration stops once the scores (summing to 1) move less than this in total. */
const RANK_TOLERANCE = 1e-6;

/** Words too common to tell sentences apart (the IDF weighting takes care of the rest). */
const FUNCTION_WORDS = new Set(
  `a an and are as at be been but by can do does for from had has have if in into is it its may not of on or so such than that the
their then there these they this those to was we were what when where which while who will with would you your`.split(/\s+/),
);

interface SparseVector {
  terms: number[];
  weights: number[];
}

/** The words a sentence is compared by: lower case, a letter among them, a plural's "s" dropped. */
function contentWords(sentence: string): string[] {
  const words: string[] = [];
  for (const [word] of sentence.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu)) {
    if (word.length < 2 || FUNCTION_WORDS.has(word) || !/\p{L}/u.test(word)) continue;
    words.push(word.length > 3 && word.endsWith("s") && !word.endsWith("ss") ? word.slice(0, -1) : word);
  }
  return words;
}

/** Unit TF-IDF vectors, one per sentence, over term ids (IDF counted among these sentences). */
function sentenceVectors(sentences: string[]): SparseVector[] {
  const ids = new Map<string, number>();
  const counts = sentences.map((sentence) => {
    const terms = new Map<number, number>();
    for (const word of contentWords(sentence)) {
      const id = ids.get(word) ?? ids.set(word, ids.size).size - 1;
      terms.set(id, (terms.get(id) ?? 0) + 1);
    }
    return terms;
  });
  const documentFrequency = new Array<number>(ids.size).fill(0);
  for (const terms of counts) for (const id of terms.keys()) documentFrequency[id] += 1;
  return counts.map((terms) => {
    const vector: SparseVector = { terms: [], weights: [] };
    for (const [id, count] of terms) {
      vector.terms.push(id);
      vector.weights.push((1 + Math.log(count)) * Math.log(1 + sentences.length / documentFrequency[id]));
    }
    const norm = Math.hypot(...vector.weights) || 1;
    vector.weights = vector.weights.map((weight) => weight / norm);
    return vector;
  });
}

/** Cosine similarity of every pair of sentences as an n×n matrix; pairs meet only through the terms they share. */
export function similarityMatrix(sentences: string[]): Float32Array {
  const vectors = sentenceVectors(sentences);
  const n = vectors.length;
  const similarity = new Float32Array(n * n);
  const postingSentences: number[][] = [];
  const postingWeights: number[][] = [];
  vectors.forEach(({ terms, weights }, i) => {
    terms.forEach((term, k) => {
      const sentencesWithTerm = (postingSentences[term] ??= []);
      const weightsOfTerm = (postingWeights[term] ??= []);
      for (let p = 0; p < sentencesWithTerm.length; p++) {
        const product = weights[k] * weightsOfTerm[p];
        similarity[i * n + sentencesWithTerm[p]] += product;
        similarity[sentencesWithTerm[p] * n + i] += product;
      }
      sentencesWithTerm.push(i);
      weightsOfTerm.push(weights[k]);
    });
  });
  return similarity;
}

/** TextRank centrality: power iteration over the sentence-similarity graph, kept sparse, until the scores settle. */
export function textRank(similarity: Float32Array, n: number): Float64Array {
  const neighbours: number[][] = [];
  const shares: number[][] = [];
  for (let j = 0; j < n; j++) {
    const row = similarity.subarray(j * n, (j + 1) * n);
    const total = row.reduce((sum, s) => sum + s, 0);
    neighbours.push([]);
    shares.push([]);
    row.forEach((s, i) => {
      if (s > 0) {
        neighbours[j].push(i);
        shares[j].push((DAMPING * s) / total);
      }
    });
  }
  let scores = new Float64Array(n).fill(1 / n);
  for (let round = 0; round < MAX_RANK_ROUNDS; round++) {
    const next = new Float64Array(n).fill((1 - DAMPING) / n);
    for (let j = 0; j < n; j++) {
      for (let k = 0; k < neighbours[j].length; k++) next[neighbours[j][k]] += shares[j][k] * scores[j];
    }
    const change = next.reduce((sum, score, i) => sum + Math.abs(score - scores[i]), 0);
    scores = next;
    if (change < RANK_TOLERANCE) break;
  }
  return scores;
}
