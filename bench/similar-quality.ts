/**
 * Similar documents' quality on a labelled set of real documents (bench/lib/labelled-set.ts:
 * manual pages of this machine in families by package): P@5 of the app's local embedding (its
 * statistics and projection counted from the set, as the statistics job counts a library) against
 * TF-IDF cosine and BM25 computed here on the same texts. Also where the cut-off leaves each
 * document's list: how many neighbours are shown and how many of those are of its family.
 */
import path from "node:path";
import { log, result, runFigure } from "./lib/figure";
import { labelledSet } from "./lib/labelled-set";
import { bm25Ranker, precisionAt, tfidfRanker, vectorRanker } from "./lib/retrieval";
import { ROOT } from "../tests/harness";

const { documentTerms } = await import("@/lib/similarity/terms");
const { StatisticsCounter, hashedSparse, termWeights, sharedWeights, RESIDUAL_DIMENSIONS } = await import("@/lib/similarity/weighting");
const { learnProjection } = await import("@/lib/similarity/projection");
const { localEmbedding, LOCAL_EMBEDDING_DIMENSIONS } = await import("@/lib/similarity/embedding");
const { applyCutOff, MIN_SHARED_TERMS, sharedTerms } = await import("@/lib/similarity/reasons");
const { env } = await import("@/lib/env");

runFigure(async () => {
  // Not under data/bench, which every run of the benchmarks empties.
  const docs = labelledSet(path.join(ROOT, "data/labelled-set"));
  const families = new Set(docs.map((doc) => doc.family));
  log(`similar-quality: ${docs.length} documents in ${families.size} families`);
  const start = performance.now();
  const counter = new StatisticsCounter();
  const terms = docs.map((doc) => documentTerms(doc.text));
  terms.forEach((t) => counter.add(t));
  const counted = counter.result(1);
  const projection = learnProjection(terms.map((t) => hashedSparse(sharedWeights(termWeights(t, counted), counted))), LOCAL_EMBEDDING_DIMENSIONS - RESIDUAL_DIMENSIONS);
  const statistics = { ...counted, projection };
  const learnMs = performance.now() - start;
  const embedded = docs.map((doc) => localEmbedding(doc.text, statistics));
  const vectors = embedded.map((e) => e.vector);
  const unweighted = docs.map((doc) => localEmbedding(doc.text, { version: 0, documents: 0, averageLength: 0, documentFrequency: new Int32Array(0), projection: null }).vector);
  const local = precisionAt(5, docs, vectorRanker(vectors));
  const before = precisionAt(5, docs, vectorRanker(unweighted));
  const tfidf = precisionAt(5, docs, tfidfRanker(docs));
  const bm25 = precisionAt(5, docs, bm25Ranker(docs));
  log(`similar-quality: P@5 local ${local}, before statistics ${before}, TF-IDF ${tfidf}, BM25 ${bm25}`);

  // The cut-off on the same lists, as find-similar and the page apply it: top 5 by the local
  // embedding that share MIN_SHARED_TERMS key terms and reach SIMILAR_MIN_SCORE, then SIMILAR_RELATIVE_SCORE.
  const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
  let shown = 0;
  let shownRight = 0;
  let empty = 0;
  const same: number[] = [];
  const other: number[] = [];
  docs.forEach((doc, i) => {
    const ranked = docs.map((_, j) => ({ j, score: j === i ? -2 : dot(vectors[i], vectors[j]) })).sort((a, b) => b.score - a.score).slice(0, 5);
    for (const n of ranked) (docs[n.j].family === doc.family ? same : other).push(n.score);
    const explained = ranked.filter((n) => sharedTerms(embedded[i].keyTerms, embedded[n.j].keyTerms).length >= MIN_SHARED_TERMS);
    const kept = applyCutOff(explained, { minScore: env.SIMILAR_MIN_SCORE, relativeScore: env.SIMILAR_RELATIVE_SCORE });
    shown += kept.length;
    shownRight += kept.filter((n) => docs[n.j].family === doc.family).length;
    if (kept.length === 0) empty += 1;
  });
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
  const baseline = "the better of TF-IDF cosine and BM25 on the same texts";
  const best = Math.max(tfidf, bm25);
  return [
    result({
      name: "similar P@5, local embedding, labelled manual pages",
      value: local,
      unit: "",
      baseline,
      baselineValue: best,
      runs: [local],
      goal: "P@5 ≥ 0.95 and above both baselines",
      met: local >= 0.95 && local > tfidf && local > bm25,
      details: {
        documents: docs.length,
        families: [...families],
        tfidf,
        bm25,
        localBeforeStatistics: before,
        dimensions: LOCAL_EMBEDDING_DIMENSIONS,
        statisticsAndProjectionMs: learnMs,
        cutOff: { minScore: env.SIMILAR_MIN_SCORE, relativeScore: env.SIMILAR_RELATIVE_SCORE, shownPerDocument: shown / docs.length, precisionShown: shown ? shownRight / shown : 0, documentsWithEmptyList: empty },
        top5ScoreMeans: { sameFamily: mean(same), otherFamily: mean(other) },
      },
    }),
  ];
});
