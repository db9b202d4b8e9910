/**
 * Precision at 5 on a labelled set: for each document, the share of its five nearest others that
 * belong to its own family. Three rankers over the same texts: the app's local embedding (its
 * statistics counted from the set, as the refresh job counts an owner's library), and two
 * baselines computed here with exact sparse vectors: TF-IDF cosine and BM25 (each document's
 * terms as the query).
 */
import { tokenize, countItems } from "@/lib/similarity/terms";

export interface Labelled {
  family: string;
  text: string;
}

/** P@k of rankings: `nearest(i)` gives the other documents' indexes, best first. */
export function precisionAt(k: number, docs: Labelled[], nearest: (i: number) => number[]): number {
  let hits = 0;
  docs.forEach((doc, i) => {
    hits += nearest(i).slice(0, k).filter((j) => docs[j].family === doc.family).length;
  });
  return hits / (docs.length * k);
}

/** Indexes of the others by a score, best first (ties by index). */
export function rankBy(n: number, i: number, score: (j: number) => number): number[] {
  const others = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
  const scores = new Map(others.map((j) => [j, score(j)]));
  return others.sort((a, b) => scores.get(b)! - scores.get(a)! || a - b);
}

function documentFrequencies(bags: Map<string, number>[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const bag of bags) for (const term of bag.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  return df;
}

/** Classic TF-IDF cosine: (1 + ln tf) · ln(N / df), exact, over the unstemmed tokens. */
export function tfidfRanker(docs: Labelled[]): (i: number) => number[] {
  const bags = docs.map((doc) => countItems(tokenize(doc.text)));
  const df = documentFrequencies(bags);
  const vectors = bags.map((bag) => {
    const v = new Map<string, number>();
    for (const [term, tf] of bag) v.set(term, (1 + Math.log(tf)) * Math.log(docs.length / df.get(term)!));
    const norm = Math.sqrt([...v.values()].reduce((s, w) => s + w * w, 0)) || 1;
    for (const [term, w] of v) v.set(term, w / norm);
    return v;
  });
  const dot = (a: Map<string, number>, b: Map<string, number>) => {
    let sum = 0;
    for (const [term, w] of a.size < b.size ? a : b) sum += w * ((a.size < b.size ? b : a).get(term) ?? 0);
    return sum;
  };
  return (i) => rankBy(docs.length, i, (j) => dot(vectors[i], vectors[j]));
}

/** Okapi BM25 (k1 1.2, b 0.75) with the document's distinct terms as the query, each weighted by its query count. */
export function bm25Ranker(docs: Labelled[]): (i: number) => number[] {
  const bags = docs.map((doc) => countItems(tokenize(doc.text)));
  const lengths = bags.map((bag) => [...bag.values()].reduce((s, n) => s + n, 0));
  const average = lengths.reduce((s, n) => s + n, 0) / docs.length;
  const df = documentFrequencies(bags);
  const idf = (term: string) => Math.log(1 + (docs.length - df.get(term)! + 0.5) / (df.get(term)! + 0.5));
  const score = (query: Map<string, number>, j: number) => {
    let sum = 0;
    for (const [term, qtf] of query) {
      const tf = bags[j].get(term);
      if (!tf) continue;
      sum += qtf * idf(term) * ((tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * lengths[j]) / average)));
    }
    return sum;
  };
  return (i) => rankBy(docs.length, i, (j) => score(bags[i], j));
}

/** Ranks by dot product of unit vectors. */
export function vectorRanker(vectors: number[][]): (i: number) => number[] {
  return (i) => rankBy(vectors.length, i, (j) => vectors[i].reduce((s, x, d) => s + x * vectors[j][d], 0));
}
