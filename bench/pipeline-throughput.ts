/**
 * Figure 2, pipeline throughput: documents per second from upload to done, local provider, for
 * the fixture PDFs repeated to at least 200 documents, with each stage's share of the recorded
 * stage time. Baseline: the same files through pdf-parse alone, in one process as concurrent as
 * the worker's ingest queue; no queue, no database. Each run starts from an empty library.
 * Also, as ratios to that one-worker figure: two worker processes, each in a folder of its own
 * (rounds interleaved with the one-worker rounds), and a stack on postgres file storage.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { stopProcess } from "../tests/harness";
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

/** One measured run from an empty library; throws if any document failed. */
async function measuredRun(stack: BenchStack, watcher: ProgressWatcher, fixtures: Part[], copies: number, tag: string) {
  // Every run starts from an empty library: find-similar's work grows with the library.
  await query(`TRUNCATE "Similarity", "Document" CASCADE`);
  const run = await pipelineRun(stack, watcher, fixtures, copies, tag);
  if (run.failed > 0) throw new Error(`${run.failed} documents failed`);
  log(`pipeline (${tag}): ${run.ids.length} documents in ${run.seconds.toFixed(1)} s (${run.perSecond.toFixed(2)}/s)`);
  return run;
}

/** Starts another worker process in a folder of its own (working directory, DATA_DIR), on the stack's file storage; resolves once it runs. */
async function startSecondWorker(stack: BenchStack): Promise<ChildProcess> {
  const worker = await stack.startWorker({ LOG_LEVEL: "info", STORAGE_DIR: stack.env.STORAGE_DIR }, { machine: "second" });
  await new Promise<void>((resolve, reject) => {
    let said = "";
    worker.stdout!.on("data", (chunk: Buffer) => {
      said += chunk.toString();
      if (said.includes('"message":"worker started"')) resolve();
    });
    worker.once("exit", (code) => reject(new Error(`the second worker exited with code ${code}`)));
  });
  return worker;
}

/** Documents per second of a stack on postgres file storage, one worker, after its own warm-up. */
async function postgresStorageRuns(fixtures: Part[], copies: number): Promise<number[]> {
  const stack = await startBenchStack("pipeline-postgres", { STORAGE_DRIVER: "postgres" });
  const watcher = await ProgressWatcher.connect(stack.baseURL);
  try {
    await pipelineRun(stack, watcher, fixtures.slice(0, WARMUP_FILES), 1, "warm-postgres");
    const runs: number[] = [];
    for (let rep = 0; rep < REPETITIONS; rep++) runs.push((await measuredRun(stack, watcher, fixtures, copies, `postgres${rep}`)).perSecond);
    return runs;
  } finally {
    watcher.close();
    await stack.stop();
  }
}

runFigure(async () => {
  const dir = scratchDir("pipeline");
  const paths = (await fixturePdfs()).slice(0, DISTINCT_FILES);
  const fixtures = await readParts(paths);
  const copies = Math.ceil(MIN_DOCUMENTS / fixtures.length);
  const stack = await startBenchStack("pipeline");
  const watcher = await ProgressWatcher.connect(stack.baseURL);
  const runs: number[] = [];
  const twoWorkerRuns: number[] = [];
  let first: { documents: number; shares: Awaited<ReturnType<typeof stageShares>> } | undefined;
  let baselineRuns: number[];
  try {
    // Warm-up: every fixture once.
    const warm = await pipelineRun(stack, watcher, fixtures.slice(0, WARMUP_FILES), 1, "warm");
    log(`pipeline: warm-up ${warm.ids.length} documents in ${warm.seconds.toFixed(1)} s`);
    stack.profileFromHere();

    for (let rep = 0; rep < REPETITIONS; rep++) {
      const run = await measuredRun(stack, watcher, fixtures, copies, `run${rep}`);
      if (rep === 0) stack.profileUntilHere();
      first ??= { documents: run.ids.length, shares: await stageShares(run.ids) };
      runs.push(run.perSecond);
      // The same round with a second worker process, as on a second machine.
      const second = await startSecondWorker(stack);
      twoWorkerRuns.push((await measuredRun(stack, watcher, fixtures, copies, `two-workers${rep}`)).perSecond);
      await stopProcess(second);
    }
    baselineRuns = await extractOnly(dir, paths, 1, concurrency("production", "ingest"));
    log(`pipeline: pdf-parse alone ${baselineRuns.map((r) => r.toFixed(2)).join(", ")} documents/s`);
  } finally {
    watcher.close();
    await stack.stop();
  }
  const postgresRuns = await postgresStorageRuns(fixtures, copies);
  const value = median(runs);
  const baselineValue = median(baselineRuns);
  return [
    result({
      name: "pipeline throughput",
      value,
      unit: "documents/s",
      baseline: `pdf-parse text extraction alone, 1 process × ${concurrency("production", "ingest")} at a time, no queue, no database`,
      baselineValue,
      runs,
      goal: "ratio ≥ 0.9",
      met: value / baselineValue >= 0.9,
      details: {
        documentsPerRun: first!.documents,
        distinctFiles: fixtures.length,
        baselineRuns,
        stageSharesFirstRun: first!.shares,
      },
    }),
    result({
      name: "pipeline throughput, two worker processes",
      value: median(twoWorkerRuns),
      unit: "documents/s",
      baseline: "one worker process (the figure above; rounds interleaved), same stack, local storage",
      baselineValue: value,
      runs: twoWorkerRuns,
      details: { documentsPerRun: first!.documents, secondWorker: "own working directory and DATA_DIR, the stack's STORAGE_DIR (a shared folder)" },
    }),
    result({
      name: "pipeline throughput, postgres storage",
      value: median(postgresRuns),
      unit: "documents/s",
      baseline: "local storage (the figure above), one worker process",
      baselineValue: value,
      runs: postgresRuns,
      details: { documentsPerRun: first!.documents },
    }),
  ];
});
