/**
 * Figure 2, pipeline throughput: documents per second from upload to done, local provider, for
 * the fixture PDFs repeated to at least 200 documents, with each stage's share of the recorded
 * stage time. Baseline: the same files through pdf-parse alone, in as many processes as the
 * stack has workers, each as concurrent as the worker's ingest queue; no queue, no database.
 * Each run starts from an empty library.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { ProgressWatcher } from "../tests/integration/client";
import { concurrency } from "../worker/config";
import { log, QUICK, result, runFigure, scratchDir } from "./lib/figure";
import { fixturePdfs, query, readParts } from "./lib/documents";
import { uniqueCopy } from "./lib/pdf";
import { startBenchStack, startHelper, type BenchStack } from "./lib/stack";
import { median, since } from "./lib/stats";
import { timedPost, uploadForm } from "./lib/upload";

const MIN_DOCUMENTS = QUICK ? 11 : 200;
/** Distinct fixtures used: half of them in quick mode. */
const DISTINCT_FILES = QUICK ? 11 : Infinity;
/** Warm-up documents: the first few fixtures in quick mode, all of them otherwise. */
const WARMUP_FILES = QUICK ? 2 : Infinity;
const REPETITIONS = QUICK ? 1 : 2;
const BASELINE_PASSES = QUICK ? 2 : 3;

type Part = { name: string; data: Uint8Array };

/** Uploads every fixture once per copy (one bulk request per copy) and waits until all are final; docs/s and ids. */
async function pipelineRun(stack: BenchStack, watcher: ProgressWatcher, fixtures: Part[], copies: number, tag: string) {
  const start = performance.now();
  const ids: string[] = [];
  await Promise.all(
    Array.from({ length: copies }, async (_, copy) => {
      const parts = fixtures.map((f) => ({ name: f.name, data: uniqueCopy(f.data, `${tag}-${copy}`) }));
      const { status, body } = await timedPost(`${stack.baseURL}/api/documents`, uploadForm(parts));
      if (status !== 202) throw new Error(`upload answered ${status}`);
      ids.push(...(body as { documents: { id: string }[] }).documents.map((d) => d.id));
    }),
  );
  const final = await watcher.waitForFinal(ids, 900_000);
  const seconds = since(start) / 1000;
  const failed = [...final.values()].filter((event) => event.status !== "done").length;
  return { perSecond: ids.length / seconds, seconds, ids, failed };
}

/**
 * The baseline: pdf-parse alone over the distinct files, split over `processes` helper processes,
 * `BASELINE_PASSES` timed passes after a warm-up pass; documents per second of each pass. Its
 * rate does not depend on how often the files repeat, so the distinct files suffice.
 */
async function extractOnly(dir: string, files: string[], processes: number, concurrency: number): Promise<number[]> {
  const shares = Array.from({ length: processes }, (_, p) => files.filter((_, i) => i % processes === p));
  const answers = await Promise.all(
    shares.map(async (share, p) => {
      const list = path.join(dir, `files-${p}.json`);
      await writeFile(list, JSON.stringify(share));
      const env = { BENCH_CONCURRENCY: String(concurrency), BENCH_PASSES: String(BASELINE_PASSES), BENCH_WARMUP_FILES: String(WARMUP_FILES) };
      const { line } = await startHelper(`extract-${p}`, "bench/lib/extract-only.ts", env, [list]);
      return JSON.parse(line) as { passes: number[] };
    }),
  );
  return Array.from({ length: BASELINE_PASSES }, (_, pass) => files.length / (Math.max(...answers.map((a) => a.passes[pass])) / 1000));
}

/** Each stage's share of the summed stage durations of these documents, and its mean per document. */
async function stageShares(ids: string[]) {
  const rows = await query<{ stage: string; ms: number; n: number }>(
    `SELECT stage::text, sum(extract(epoch FROM "finishedAt" - "startedAt") * 1000)::float8 AS ms, count(*)::int AS n
     FROM "StageRun" WHERE "documentId" = ANY($1::uuid[]) AND outcome = 'done' GROUP BY stage`,
    [ids],
  );
  const total = rows.reduce((sum, row) => sum + row.ms, 0);
  return Object.fromEntries(rows.map((row) => [row.stage, { share: Math.round((row.ms / total) * 1000) / 1000, meanMs: Math.round(row.ms / row.n) }]));
}

runFigure(async () => {
  const dir = scratchDir("pipeline");
  const paths = (await fixturePdfs()).slice(0, DISTINCT_FILES);
  const fixtures = await readParts(paths);
  const copies = Math.ceil(MIN_DOCUMENTS / fixtures.length);
  const stack = await startBenchStack("pipeline");
  const watcher = await ProgressWatcher.connect(stack.baseURL);
  try {
    // Warm-up: every fixture once.
    const warm = await pipelineRun(stack, watcher, fixtures.slice(0, WARMUP_FILES), 1, "warm");
    log(`pipeline: warm-up ${warm.ids.length} documents in ${warm.seconds.toFixed(1)} s`);
    stack.profileFromHere();

    const runs: number[] = [];
    let first: { documents: number; shares: Awaited<ReturnType<typeof stageShares>> } | undefined;
    for (let rep = 0; rep < REPETITIONS; rep++) {
      // Every run starts from an empty library: find-similar's work grows with the library.
      await query(`TRUNCATE "Similarity", "Document" CASCADE`);
      const run = await pipelineRun(stack, watcher, fixtures, copies, `run${rep}`);
      if (run.failed > 0) throw new Error(`${run.failed} documents failed`);
      if (rep === 0) stack.profileUntilHere();
      first ??= { documents: run.ids.length, shares: await stageShares(run.ids) };
      runs.push(run.perSecond);
      log(`pipeline: ${run.ids.length} documents in ${run.seconds.toFixed(1)} s (${run.perSecond.toFixed(2)}/s)`);
    }
    const baselineRuns = await extractOnly(dir, paths, stack.workers.length, concurrency("production", "ingest"));
    log(`pipeline: pdf-parse alone ${baselineRuns.map((r) => r.toFixed(2)).join(", ")} documents/s`);
    const value = median(runs);
    const baselineValue = median(baselineRuns);
    return [
      result({
        name: "pipeline throughput",
        value,
        unit: "documents/s",
        baseline: `pdf-parse text extraction alone, ${stack.workers.length} process(es) × ${concurrency("production", "ingest")} at a time, no queue, no database`,
        baselineValue,
        runs,
        goal: "ratio ≥ 0.8",
        met: value / baselineValue >= 0.8,
        details: {
          documentsPerRun: first!.documents,
          distinctFiles: fixtures.length,
          baselineRuns,
          stageSharesFirstRun: first!.shares,
        },
      }),
    ];
  } finally {
    watcher.close();
    await stack.stop();
  }
});
