/**
 * Search quality on a labelled set of real documents (bench/lib/search-set.ts: manual pages of
 * this machine, queries with the page that should come first, half in the page's own words and
 * half paraphrased). The pages go into the real tables as the pipeline leaves them (text,
 * summary from the local provider, passages and search vectors by the triggers, the local
 * embedding under the library's statistics, entered in the vector index); each query goes
 * through the app's search in each mode. Reported: MRR@10 and hit@3 per mode and half, and
 * Okapi BM25 (k1 1.2, b 0.75, over title and text) computed here on the same pages.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import { log, result, runFigure } from "./lib/figure";
import { QUERIES, searchCorpus, type LabelledQuery } from "./lib/search-set";
import { BENCH_DATABASE_URL } from "./lib/stack";
import { ROOT } from "../tests/harness";

process.env.DATABASE_URL = BENCH_DATABASE_URL;
const { prisma } = await import("@/lib/db");
const { LocalProvider } = await import("@/lib/ai/local");
const { encodeVector } = await import("@/lib/ai/vector");
const { countStatistics, localEmbedding, localEmbeddingModel } = await import("@/lib/similarity");
const { indexDocument, passagesOf, searchLibrary } = await import("@/lib/search");
const { countItems, tokenize, stem } = await import("@/lib/similarity/terms");
const { env } = await import("@/lib/env");

const OWNER = `bench-search-${randomBytes(3).toString("hex")}`;
const MODES = ["text", "semantic", "hybrid"] as const;
type Ranker = (query: string) => Promise<string[]>;

/** The reciprocal rank of the answer within the first ten, and whether it is in the first three. */
function scoreOf(ranked: string[], answer: string): { rr: number; hit3: boolean } {
  const at = ranked.slice(0, 10).indexOf(answer);
  return { rr: at < 0 ? 0 : 1 / (at + 1), hit3: at >= 0 && at < 3 };
}

async function measure(queries: LabelledQuery[], rank: Ranker) {
  const perQuery: { query: string; page: string; kind: string; rank: number | null }[] = [];
  for (const q of queries) {
    const ranked = await rank(q.query);
    const at = ranked.slice(0, 10).indexOf(q.page);
    perQuery.push({ query: q.query, page: q.page, kind: q.kind, rank: at < 0 ? null : at + 1 });
  }
  const summary = (kind?: string) => {
    const rows = perQuery.filter((row) => !kind || row.kind === kind);
    const scores = rows.map((row) => scoreOf(row.rank === null ? [] : [...Array(row.rank - 1).fill(""), row.page], row.page));
    return { mrr10: scores.reduce((s, x) => s + x.rr, 0) / rows.length, hit3: scores.filter((x) => x.hit3).length / rows.length };
  };
  return { overall: summary(), own: summary("own words"), paraphrased: summary("paraphrased"), perQuery };
}

/** Okapi BM25 over the pages' titles and texts, with the same light stemmer as the local embedding's terms. */
function bm25(pages: { name: string; text: string }[]): Ranker {
  const terms = (text: string) => tokenize(text).map(stem);
  const bags = pages.map((page) => countItems(terms(`${page.name.replace(/[-_.]/g, " ")} ${page.text}`)));
  const lengths = bags.map((bag) => [...bag.values()].reduce((s, n) => s + n, 0));
  const average = lengths.reduce((s, n) => s + n, 0) / pages.length;
  const df = new Map<string, number>();
  for (const bag of bags) for (const term of bag.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const idf = (term: string) => Math.log(1 + (pages.length - (df.get(term) ?? 0) + 0.5) / ((df.get(term) ?? 0) + 0.5));
  return async (query) => {
    const q = countItems(terms(query));
    const scored = pages.map((page, j) => {
      let sum = 0;
      for (const [term, qtf] of q) {
        const tf = bags[j].get(term);
        if (tf) sum += qtf * idf(term) * ((tf * 2.2) / (tf + 1.2 * (0.25 + (0.75 * lengths[j]) / average)));
      }
      return { name: page.name, sum };
    });
    return scored.filter((s) => s.sum > 0).sort((a, b) => b.sum - a.sum).map((s) => s.name);
  };
}

runFigure(async () => {
  const pages = searchCorpus(path.join(ROOT, "data/search-set"));
  log(`search-quality: ${pages.length} pages, ${QUERIES.length} queries`);
  const provider = new LocalProvider();
  const ids = new Map<string, string>();
  const names = new Map<string, string>();
  for (const [i, page] of pages.entries()) {
    const summary = await provider.summarize(page.text, { title: page.name });
    const doc = await prisma.document.create({
      data: {
        ownerId: OWNER, title: page.name, filename: `${page.name}.txt`, mimeType: "text/plain", size: page.text.length, sha256: `${OWNER}-${i}`,
        storageKey: `${OWNER}-${i}`, status: "done", stage: "similar", progress: 100, text: page.text, summary, provider: "local", summaryModel: provider.summaryModel,
      },
    });
    await prisma.$transaction((tx) => indexDocument(tx, doc, passagesOf(page.text), env.SEARCH_LANGUAGE), { timeout: 60_000 });
    ids.set(page.name, doc.id);
    names.set(doc.id, page.name);
  }
  // The library's statistics and every page's embedding under them, entered in the index.
  const statistics = await countStatistics(OWNER);
  const model = localEmbedding("", statistics) && localEmbeddingModel(statistics);
  for (const page of pages) {
    const { vector, keyTerms, minhash } = localEmbedding(page.text, statistics);
    await prisma.$executeRaw`
      UPDATE "Document" SET "vector" = ${encodeVector(vector)}, "embeddingModel" = ${model}, "keyTerms" = ${JSON.stringify(keyTerms)}::jsonb,
                            "minhash" = ${minhash}, "vectorSeq" = nextval('vector_seq')
      WHERE "id" = ${ids.get(page.name)!}::uuid`;
  }
  log("search-quality: library ready");
  const app = (mode: (typeof MODES)[number]): Ranker => async (query) =>
    (await searchLibrary(OWNER, { q: query, limit: 10, mode })).results.map((r) => names.get(r.id)!);
  const measured = Object.fromEntries(await Promise.all(MODES.map(async (mode) => [mode, await measure(QUERIES, app(mode))] as const)));
  const baseline = await measure(QUERIES, bm25(pages));
  for (const [mode, m] of [...Object.entries(measured), ["bm25", baseline] as const]) {
    log(`search-quality ${mode}: MRR@10 ${m.overall.mrr10.toFixed(3)} (own ${m.own.mrr10.toFixed(3)}, paraphrased ${m.paraphrased.mrr10.toFixed(3)}), hit@3 ${m.overall.hit3.toFixed(3)} (own ${m.own.hit3.toFixed(3)}, paraphrased ${m.paraphrased.hit3.toFixed(3)})`);
  }
  const hybrid = measured.hybrid;
  const halves = (m: typeof baseline) => ({ overall: m.overall, ownWords: m.own, paraphrased: m.paraphrased });
  const misses = (m: typeof baseline) => m.perQuery.filter((row) => row.rank !== 1).map((row) => `${row.page} at ${row.rank ?? "—"}: ${row.query}`);
  await prisma.document.deleteMany({ where: { ownerId: OWNER } });
  await prisma.libraryStatistics.deleteMany({ where: { ownerId: OWNER } });
  return [
    result({
      name: "search MRR@10, hybrid, labelled manual pages",
      value: hybrid.overall.mrr10,
      unit: "",
      baseline: "Okapi BM25 over the same pages, computed in the benchmark",
      baselineValue: baseline.overall.mrr10,
      runs: [hybrid.overall.mrr10],
      goal: "hybrid MRR@10 ≥ 0.9 overall and above BM25 on both halves",
      met: hybrid.overall.mrr10 >= 0.9 && hybrid.own.mrr10 > baseline.own.mrr10 && hybrid.paraphrased.mrr10 > baseline.paraphrased.mrr10,
      details: {
        documents: pages.length,
        queries: QUERIES.length,
        ownWordsQueries: QUERIES.filter((q) => q.kind === "own words").length,
        language: env.SEARCH_LANGUAGE,
        text: halves(measured.text),
        semantic: halves(measured.semantic),
        hybrid: halves(hybrid),
        bm25: halves(baseline),
        hybridMisses: misses(hybrid),
        bm25Misses: misses(baseline),
      },
    }),
  ];
});
