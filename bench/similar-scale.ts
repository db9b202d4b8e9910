/**
 * Figure 4, similar documents at scale: top-10 query time over 10k and 100k stored documents
 * (synthetic unit vectors of the local provider's dimension, in the real Document table under an
 * owner of their own). Measured: the app's scan, `nearest()` from lib/similarity.ts, over the
 * candidates loaded by the app's own `loadCandidates` (one raw query), exactly as `refreshSimilar`
 * calls them in the find-similar job. Baseline: a Float32Array dot-product scan over the same
 * vectors in this process; the top-10s must be identical. Also: the load itself and a whole
 * `refreshSimilar` (rolled back). In full mode, pgvector's HNSW (in PGlite, where the server has no
 * pgvector).
 */
import { randomBytes } from "node:crypto";
import { log, QUICK, result, runFigure, type FigureResult } from "./lib/figure";
import { query } from "./lib/documents";
import { BENCH_DATABASE_URL } from "./lib/stack";
import { median, since } from "./lib/stats";
import { hnswRecall } from "./lib/pgvector";
import { scanTopK } from "./lib/vectors";

const SIZES = QUICK ? [10_000] : [10_000, 100_000];
const RUNS = QUICK ? 3 : 5;
const LOAD_RUNS = QUICK ? 1 : 3;
const REFRESH_RUNS = QUICK ? 1 : 3;
const TOP = 10;
const INSERT_BATCH = 10_000;
const OWNER = `bench-similar-${randomBytes(3).toString("hex")}`;
const NO_DOCUMENT = "00000000-0000-0000-0000-000000000000";

// The app's modules read DATABASE_URL when first imported.
process.env.DATABASE_URL = BENCH_DATABASE_URL;
const { prisma } = await import("@/lib/db");
const { loadCandidates, nearest, refreshSimilar } = await import("@/lib/similarity");
const { LocalProvider, LOCAL_EMBEDDING_DIMENSIONS } = await import("@/lib/ai/local");
const { env } = await import("@/lib/env");
const MODEL = new LocalProvider().embeddingModel;

/**
 * Adds synthetic done documents numbered [from, to) with random unit vectors (normal components,
 * normalised), stored the way the embed stage stores them: float32, little-endian (float4send is
 * big-endian, so each 4-byte group is reversed).
 */
async function insertDocuments(from: number, to: number): Promise<void> {
  for (let start = from; start < to; start += INSERT_BATCH) {
    await query(
      `INSERT INTO "Document" (id, "ownerId", title, filename, "mimeType", size, sha256, "storageKey", status, stage, progress,
                               "embeddingModel", vector, "updatedAt", "finishedAt")
       SELECT gen_random_uuid(), $1, 'synthetic ' || i, 'synthetic-' || i || '.pdf', 'application/pdf', 0, md5($1 || i),
              'synthetic-' || i, 'done', 'similar', 100, $2, v.b, now(), now()
       FROM generate_series($3::int, $4::int) AS i
       -- "+ i * 0" ties each vector to its row, so PostgreSQL does not compute one vector for all.
       CROSS JOIN LATERAL (
         SELECT string_agg(substring(f FROM 4 FOR 1) || substring(f FROM 3 FOR 1) || substring(f FROM 2 FOR 1) || substring(f FROM 1 FOR 1),
                           ''::bytea ORDER BY j) AS b
         FROM (
           SELECT j, float4send((x / sqrt(sum(x * x) OVER ()))::real) AS f FROM (
             SELECT j, sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()) + i * 0 AS x FROM generate_series(1, $5::int) AS j
           ) r
         ) s
       ) v`,
      [OWNER, MODEL, start, Math.min(start + INSERT_BATCH, to) - 1, LOCAL_EMBEDDING_DIMENSIONS],
    );
  }
}

/**
 * Gives every synthetic document a full similar list (SIMILAR_LIMIT rows) whose lowest score is
 * `threshold`, so that a refreshSimilar offers the new document to about as many neighbours as in
 * a library whose lists are exact (the rows point at the next documents in id order; only their
 * count and lowest score matter to refreshSimilar).
 */
async function fillSimilarLists(threshold: number): Promise<void> {
  await query(`DELETE FROM "Similarity" s USING "Document" d WHERE s."documentId" = d.id AND d."ownerId" = $1`, [OWNER]);
  await query(
    `WITH numbered AS (
       SELECT id, row_number() OVER (ORDER BY id) AS p, count(*) OVER () AS total FROM "Document" WHERE "ownerId" = $1
     )
     INSERT INTO "Similarity" ("documentId", "similarId", score, rank)
     SELECT d.id, n.id, $2::float8, r
     FROM numbered d CROSS JOIN generate_series(1, $3::int) AS r
     JOIN numbered n ON n.p = (d.p + r - 1) % d.total + 1`,
    [OWNER, threshold, env.SIMILAR_LIMIT],
  );
}

/** A whole refreshSimilar for `documentId` in a transaction that is rolled back; its ms, or the error that stopped it. */
async function refreshOnce(documentId: string): Promise<{ ms: number; error?: string }> {
  const document = await prisma.document.findUniqueOrThrow({ where: { id: documentId } });
  const rollback = new Error("rollback");
  const start = performance.now();
  try {
    // The transaction options of the find-similar job.
    await prisma.$transaction(
      async (tx) => {
        await refreshSimilar(tx, document, env.SIMILAR_LIMIT);
        throw rollback;
      },
      { timeout: env.SIMILAR_TIMEOUT_MS, maxWait: 10_000 },
    );
  } catch (error) {
    if (error !== rollback) return { ms: since(start), error: (error as Error).message.split("\n").slice(-1)[0] };
  }
  return { ms: since(start) };
}

/** Offers the last refreshSimilar of `documentId` made (rolled back): rows naming it in others' lists, counted inside the transaction. */
async function offersMade(documentId: string): Promise<number> {
  const document = await prisma.document.findUniqueOrThrow({ where: { id: documentId } });
  const rollback = new Error("rollback");
  let offers = 0;
  await prisma
    .$transaction(
      async (tx) => {
        await refreshSimilar(tx, document, env.SIMILAR_LIMIT);
        offers = await tx.similarity.count({ where: { similarId: documentId } });
        throw rollback;
      },
      { timeout: env.SIMILAR_TIMEOUT_MS, maxWait: 10_000 },
    )
    .catch((error: unknown) => {
      if (error !== rollback) throw error;
    });
  return offers;
}

async function measureSize(size: number): Promise<FigureResult[]> {
  const ids = (await query<{ id: string }>(`SELECT id FROM "Document" WHERE "ownerId" = $1 ORDER BY random() LIMIT $2`, [OWNER, RUNS + 1])).map((r) => r.id);
  // The app's load, as refreshSimilar runs it, for a document outside the library (so all are
  // candidates); each query then leaves its own document out, as the load does.
  const probe = { id: NO_DOCUMENT, ownerId: OWNER, embeddingModel: MODEL, vector: new Uint8Array(LOCAL_EMBEDDING_DIMENSIONS * 4) };
  const loadMs: number[] = [];
  let all = await loadCandidates(prisma, probe);
  for (let run = 0; run < LOAD_RUNS; run++) {
    const loadStart = performance.now();
    all = await loadCandidates(prisma, probe);
    loadMs.push(since(loadStart));
  }
  const d = LOCAL_EMBEDDING_DIMENSIONS;
  const scanMs: number[] = [];
  const baseMs: number[] = [];
  const queries: { id: string; vector: number[]; exact: string[] }[] = [];
  let mismatches = 0;
  let threshold = 0;
  for (const [i, id] of ids.entries()) {
    // The library without the query document, as loadCandidates gives it for that document.
    const at = all.ids.indexOf(id);
    const vector = all.vectors.slice(at * d, (at + 1) * d);
    const rowIds = [...all.ids.slice(0, at), ...all.ids.slice(at + 1)];
    const vectors = new Float32Array(rowIds.length * d);
    vectors.set(all.vectors.subarray(0, at * d));
    vectors.set(all.vectors.subarray((at + 1) * d), at * d);
    // The baseline scans its own copy of the same values.
    const matrix = vectors.slice();
    // As refreshSimilar calls it: every score kept, for the neighbours' lists.
    const scores = new Float64Array(rowIds.length);
    const scanStart = performance.now();
    const app = nearest(vector, rowIds, vectors, TOP, scores);
    const scanned = since(scanStart);
    const baseStart = performance.now();
    const base = scanTopK(matrix, d, vector, TOP);
    const baseScanned = since(baseStart);
    const baseIds = base.map((index) => rowIds[index]);
    if (app.length !== baseIds.length || app.some((n, k) => n.id !== baseIds[k])) mismatches += 1;
    if (i === 0) threshold = app[env.SIMILAR_LIMIT - 1].score;
    // The first query is the warm-up.
    if (i === 0) continue;
    scanMs.push(scanned);
    baseMs.push(baseScanned);
    queries.push({ id, vector: Array.from(vector), exact: baseIds });
  }
  log(`similar: ${size}: nearest ${median(scanMs).toFixed(1)} ms, Float32Array ${median(baseMs).toFixed(1)} ms, load ${median(loadMs).toFixed(0)} ms`);

  const baseline = "Float32Array dot-product scan over the same vectors, same process";
  const baselineValue = median(baseMs);
  const results = [
    result({
      name: `similar top-10, ${size / 1000}k docs`,
      value: median(scanMs),
      unit: "ms",
      baseline,
      baselineValue,
      runs: scanMs,
      ...(size >= 100_000 ? { goal: "ratio ≤ 1.5 at 100k, exact", met: median(scanMs) / baselineValue <= 1.5 && mismatches === 0 } : {}),
      details: { documents: all.ids.length, top10IdenticalToBaseline: `${ids.length - mismatches}/${ids.length} queries`, baselineRuns: baseMs },
    }),
    result({
      name: `similar candidates load, ${size / 1000}k docs`,
      value: median(loadMs),
      unit: "ms",
      baseline,
      baselineValue,
      runs: loadMs,
      details: { note: "loadCandidates: the one raw query refreshSimilar runs before nearest() (ids, vectors, neighbours' list states), and copying the vectors into one Float32Array" },
    }),
  ];

  // A whole refreshSimilar, with every document's list full and its lowest score the 5th best of
  // the warm-up query: about SIMILAR_LIMIT neighbours are offered the document, as in a real library.
  await fillSimilarLists(threshold);
  const refresh = [];
  for (let run = 0; run < REFRESH_RUNS; run++) refresh.push(await refreshOnce(ids[1 + run]));
  const offers = await offersMade(ids[1]);
  log(`similar: ${size}: refreshSimilar ${refresh.map((r) => `${r.ms.toFixed(0)} ms${r.error ? ` (failed: ${r.error})` : ""}`).join(", ")}; ${offers} offers`);
  results.push(
    result({
      name: `refreshSimilar whole, ${size / 1000}k docs`,
      value: median(refresh.map((r) => r.ms)),
      unit: "ms",
      baseline,
      baselineValue,
      runs: refresh.map((r) => r.ms),
      details: {
        note: "lock + load + nearest + Similarity writes, in a transaction rolled back, with the find-similar job's transaction options",
        similarLimit: env.SIMILAR_LIMIT,
        neighboursOffered: offers,
        errors: [...new Set(refresh.map((r) => r.error).filter(Boolean))],
      },
    }),
  );

  if (!QUICK && size === 10_000) {
    const rows = all.ids.map((id, i) => ({ id, embedding: Array.from(all.vectors.subarray(i * d, (i + 1) * d)) }));
    const hnsw = await hnswRecall(rows, queries, TOP, LOCAL_EMBEDDING_DIMENSIONS).catch((error: Error) => ({ error: error.message }));
    if ("error" in hnsw) log(`similar: pgvector skipped: ${hnsw.error}`);
    else {
      log(`similar: pgvector HNSW ${median(hnsw.ms).toFixed(1)} ms, recall@10 ${JSON.stringify(hnsw.recall)}`);
      results.push(
        result({
          name: `pgvector HNSW top-10, ${size / 1000}k docs`,
          value: median(hnsw.ms),
          unit: "ms",
          baseline,
          baselineValue,
          runs: hnsw.ms,
          details: { engine: hnsw.engine, recallAt10: hnsw.recall, indexBuildMs: hnsw.buildMs, note: "ms at the default ef_search (40); random vectors are the hardest case for HNSW" },
        }),
      );
    }
  }
  return results;
}

runFigure(async () => {
  await query(`DELETE FROM "Document" WHERE "ownerId" LIKE 'bench-similar-%'`);
  const results: FigureResult[] = [];
  try {
    let stored = 0;
    for (const size of SIZES) {
      const start = performance.now();
      await insertDocuments(stored, size);
      stored = size;
      log(`similar: ${size} documents stored (${(since(start) / 1000).toFixed(1)} s to insert)`);
      results.push(...(await measureSize(size)));
    }
    return results;
  } finally {
    await query(`DELETE FROM "Document" WHERE "ownerId" = $1`, [OWNER]);
    await prisma.$disconnect();
  }
});
