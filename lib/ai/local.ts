import { LOCAL_EMBEDDING_DIMENSIONS, localEmbedding, localEmbeddingModel } from "@/lib/similarity/embedding";
import { countItems as termCounts, tokenize } from "@/lib/similarity/terms";
import { NO_STATISTICS, type LibraryStatistics } from "@/lib/similarity/weighting";
import type { AiProvider, EmbedOptions, SummarizeOptions } from "./provider";

export { LOCAL_EMBEDDING_DIMENSIONS };

const DEFAULT_MAX_SENTENCES = 5;
/** Summary length budget per requested sentence (5 sentences ≈ 900 characters). */
const CHARS_PER_SENTENCE = 180;
/** Sentences ranked at most, sampled evenly from longer documents, so cost stays bounded. */
const MAX_CANDIDATES = 1500;
const MIN_SENTENCE_CHARS = 40;
const MAX_SENTENCE_CHARS = 400;
const MIN_SENTENCE_WORDS = 5;
/** Below this share of letters a line is page furniture: page numbers, rules, tables of contents. */
const MIN_LETTER_SHARE = 0.6;
/** Characters that are rare in prose and common in source code and markup. */
const CODE_MARKS = /[\\{}@#$%^&*=<>|;~]/g;
/** Above this share of code marks a "sentence" is a line of code. */
const MAX_CODE_SHARE = 0.02;
/** A sentence ends with terminal punctuation, perhaps followed by closing quotes or brackets. */
const SENTENCE_END = /[.!?]["'”’»)\]]*$/;
/** Intl.Segmenter slows down sharply on long strings, so it gets blocks of at most this many characters. */
const MAX_SEGMENTER_INPUT = 4000;
/** The dotted lines of a table of contents. */
const DOT_LEADERS = /(\.\s?){4,}/;
/** Lines at least this long are wrapped prose; shorter lines (headings, last lines) end a sentence. */
const WRAPPED_LINE_CHARS = 40;
/** A candidate this similar to a chosen sentence would repeat it. */
const MAX_REDUNDANCY = 0.7;
const DAMPING = 0.85;
/** Extra weight of the opening sentence over the last one (it fades out quadratically). */
const LEAD_WEIGHT = 1;
const MAX_RANK_ROUNDS = 50;
/** Power iteration stops once the scores (summing to 1) move less than this in total. */
const RANK_TOLERANCE = 1e-6;

/**
 * Deterministic, offline provider: an extractive summary and a lexical embedding weighted by the
 * owner's library statistics and projected by what was learned from the library; no language model.
 */
export class LocalProvider implements AiProvider {
  readonly name = "local";
  readonly summaryModel = "extractive-textrank";
  /** The model name before any library statistics; `embeddingModelFor` names the others. */
  readonly embeddingModel = localEmbeddingModel(NO_STATISTICS);

  /** Pick the document's most central sentences and return them in document order. */
  async summarize(text: string, opts: SummarizeOptions = {}): Promise<string> {
    const { signal, onProgress } = opts;
    const maxSentences = opts.maxSentences ?? DEFAULT_MAX_SENTENCES;
    signal?.throwIfAborted();
    const candidates = sampleEvenly(splitSentences(text).filter(isProse), MAX_CANDIDATES);
    if (candidates.length === 0) {
      await onProgress?.(1);
      return leadingExcerpt(text, maxSentences * CHARS_PER_SENTENCE);
    }
    await onProgress?.(0.2);

    const similarity = similarityMatrix(sentenceVectors(candidates));
    signal?.throwIfAborted();
    await onProgress?.(0.5);

    const scores = leadWeighted(textRank(similarity, candidates.length));
    signal?.throwIfAborted();
    await onProgress?.(0.9);

    const chosen = choose(scores, candidates, similarity, maxSentences, maxSentences * CHARS_PER_SENTENCE);
    await onProgress?.(1);
    return chosen.map((i) => candidates[i]).join(" ");
  }

  /** One unit vector per text: its weighted terms (under `opts.statistics`), projected or hashed. */
  async embed(texts: string[], opts: EmbedOptions = {}): Promise<number[][]> {
    return texts.map((text) => {
      opts.signal?.throwIfAborted();
      return localEmbedding(text, opts.statistics ?? NO_STATISTICS).vector;
    });
  }

  /** The whole text at once: term frequencies and their weights are the document's, not a chunk's. */
  async embedDocument(text: string, opts: EmbedOptions = {}): Promise<number[]> {
    const [vector] = await this.embed([text], opts);
    await opts.onProgress?.(1);
    return vector;
  }

  /** The model name of vectors made under a statistics version. */
  embeddingModelFor(statistics: LibraryStatistics): string {
    return localEmbeddingModel(statistics);
  }
}

/** Sentences with whitespace collapsed; a short line (a heading, a page number) ends a sentence, a wrapped line does not. */
function splitSentences(text: string): string[] {
  const unwrapped = text
    .split("\n")
    .map((line) => line.trim() + (line.trim().length >= WRAPPED_LINE_CHARS ? " " : "\n"))
    .join("");
  const segmenter = new Intl.Segmenter(undefined, { granularity: "sentence" });
  return unwrapped
    .split("\n")
    .flatMap((block) => boundedPieces(block, MAX_SEGMENTER_INPUT))
    .flatMap((piece) => Array.from(segmenter.segment(piece), ({ segment }) => segment.replace(/\s+/g, " ").trim()));
}

/** Cut a block into pieces of at most `max` characters, after a full stop where there is one. */
function boundedPieces(block: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = block;
  while (rest.length > max) {
    const stop = rest.lastIndexOf(". ", max);
    const cut = stop > 0 ? stop + 2 : max;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  pieces.push(rest);
  return pieces;
}

/** A sentence worth ranking: ends like one, is mostly words, and is neither page furniture nor code. */
function isProse(sentence: string): boolean {
  if (sentence.length < MIN_SENTENCE_CHARS || sentence.length > MAX_SENTENCE_CHARS) return false;
  if (!SENTENCE_END.test(sentence) || DOT_LEADERS.test(sentence)) return false;
  const visible = sentence.replace(/\s/g, "").length;
  const letters = sentence.match(/\p{L}/gu)?.length ?? 0;
  const codeMarks = sentence.match(CODE_MARKS)?.length ?? 0;
  const words = sentence.match(/\p{L}{2,}/gu)?.length ?? 0;
  return letters / visible >= MIN_LETTER_SHARE && codeMarks / visible <= MAX_CODE_SHARE && words >= MIN_SENTENCE_WORDS;
}

/** At most `limit` items spread evenly over the list, in their original order. */
function sampleEvenly<T>(items: T[], limit: number): T[] {
  if (items.length <= limit) return items;
  return Array.from({ length: limit }, (_, i) => items[Math.floor((i * items.length) / limit)]);
}

/** The document's opening words up to about `maxChars`, for text with no sentence worth ranking. */
function leadingExcerpt(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= maxChars) return flat;
  const cut = flat.slice(0, maxChars);
  return `${cut.slice(0, cut.lastIndexOf(" ") > 0 ? cut.lastIndexOf(" ") : maxChars)}…`;
}

interface SparseVector {
  terms: number[];
  weights: number[];
}

/** Unit TF-IDF vectors, one per sentence, over term ids (idf counted among these sentences). */
function sentenceVectors(sentences: string[]): SparseVector[] {
  const ids = new Map<string, number>();
  const counts = sentences.map((sentence) => termCounts(tokenize(sentence)));
  const documentFrequency: number[] = [];
  for (const terms of counts) {
    for (const term of terms.keys()) {
      const id = ids.get(term) ?? ids.set(term, ids.size).size - 1;
      documentFrequency[id] = (documentFrequency[id] ?? 0) + 1;
    }
  }
  return counts.map((terms) => {
    const vector: SparseVector = { terms: [], weights: [] };
    for (const [term, count] of terms) {
      const id = ids.get(term)!;
      vector.terms.push(id);
      vector.weights.push((1 + Math.log(count)) * Math.log(1 + sentences.length / documentFrequency[id]));
    }
    const norm = Math.hypot(...vector.weights);
    vector.weights = vector.weights.map((weight) => weight / norm);
    return vector;
  });
}

/** Cosine similarity of every pair of sentences as an n×n matrix; pairs meet only through the terms they share. */
function similarityMatrix(vectors: SparseVector[]): Float32Array {
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
function textRank(similarity: Float32Array, n: number): Float64Array {
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

/** Favour sentences near the start, where documents say what they are about. */
function leadWeighted(scores: Float64Array): Float64Array {
  return scores.map((score, i) => score * (1 + LEAD_WEIGHT * (1 - i / scores.length) ** 2));
}

/** Best-scored sentences that fit the budget and do not repeat each other, back in document order. */
function choose(scores: Float64Array, sentences: string[], similarity: Float32Array, maxCount: number, maxChars: number): number[] {
  const n = sentences.length;
  const ranked = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
  const chosen: number[] = [];
  let chars = 0;
  for (const i of ranked) {
    if (chosen.length === maxCount) break;
    if (chosen.length > 0 && chars + sentences[i].length + 1 > maxChars) continue;
    if (chosen.some((j) => similarity[i * n + j] > MAX_REDUNDANCY)) continue;
    chosen.push(i);
    chars += sentences[i].length + 1;
  }
  return chosen.sort((a, b) => a - b);
}
