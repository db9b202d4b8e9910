/**
 * Figure 5, memory: peak RSS of the web process during a 1 GB streamed upload (goal: under
 * 50 MB above idle), and of the worker while it processes the largest fixture PDF and a 100 MB
 * generated PDF. RSS is read from /proc/<pid>/status (VmRSS polled every 20 ms, and VmHWM after
 * resetting it). Baseline: the same process's idle RSS just before; for the worker, pdf-parse
 * alone on the same file in a fresh process is given too.
 */
import { createReadStream } from "node:fs";
import { stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { api, ProgressWatcher } from "../tests/integration/client";
import { log, QUICK, result, runFigure, scratchDir, type FigureResult } from "./lib/figure";
import { fixturePdfs, readParts } from "./lib/documents";
import { writeTextPdf } from "./lib/pdf";
import { idleRss, MB, resetPeak, sampleMemory } from "./lib/proc";
import { startBenchStack, startHelper, stopHelper, type BenchStack } from "./lib/stack";
import { median } from "./lib/stats";
import { generatedBytes, streamedUpload, timedPost, uploadForm } from "./lib/upload";

const UPLOAD_BYTES = 1024 * MB;
const UPLOAD_RUNS = QUICK ? 1 : 2;
const GENERATED_PDF_BYTES = QUICK ? 2 * MB : 100 * MB;
/** The app's default MAX_PDF_PAGES: the worker reads at most this many pages, and so does the pdf-parse-alone comparison. */
const MAX_PDF_PAGES = 2000;
const IDLE_GOAL_MB = 50;

/** The document id of an upload answer. */
function uploadedId(body: string): string {
  return (JSON.parse(body) as { documents: { id: string }[] }).documents[0].id;
}

/** Peak RSS of the web process while it receives a generated upload of `bytes`; the document is deleted after. */
async function webUpload(stack: BenchStack, bytes: number): Promise<{ idle: number; peak: number; ms: number }> {
  const idle = await idleRss(stack.webPid);
  resetPeak(stack.webPid);
  const sampler = sampleMemory(stack.webPid);
  const head = Buffer.from("%PDF-1.4\n% generated upload body\n");
  const chunk = Buffer.alloc(MB, "0123456789abcdef ");
  const answer = await streamedUpload(`${stack.baseURL}/api/documents`, "streamed.pdf", bytes, generatedBytes(bytes, head, chunk));
  const memory = sampler.stop();
  if (answer.status !== 202) throw new Error(`streamed upload answered ${answer.status}: ${answer.body}`);
  await api(stack.baseURL, `/api/documents/${uploadedId(answer.body)}`, { method: "DELETE" });
  return { idle, peak: memory.peakBytes, ms: answer.ms };
}

/**
 * Peak RSS of the worker while it processes one file, from upload to done: the worker process and
 * its parser child processes together (extraction runs in a child).
 */
async function workerDocument(stack: BenchStack, watcher: ProgressWatcher, workerPid: number, file: string): Promise<{ idle: number; peak: number; seconds: number }> {
  const idle = await idleRss(workerPid, 10, 100, { tree: true });
  const sampler = sampleMemory(workerPid, 20, { tree: true });
  const start = performance.now();
  const { size } = await stat(file);
  const answer = await streamedUpload(`${stack.baseURL}/api/documents`, path.basename(file), size, createReadStream(file, { highWaterMark: MB }));
  if (answer.status !== 202) throw new Error(`upload of ${file} answered ${answer.status}: ${answer.body}`);
  const id = uploadedId(answer.body);
  const final = (await watcher.waitForFinal([id], 900_000)).get(id)!;
  const memory = sampler.stop();
  if (final.status !== "done") throw new Error(`${path.basename(file)} ended ${final.status}: ${final.error}`);
  return { idle, peak: memory.peakBytes, seconds: (performance.now() - start) / 1000 };
}

/** Peak RSS of pdf-parse alone reading `file` (at most MAX_PDF_PAGES pages, once) in a fresh process. */
async function parserAlonePeak(dir: string, file: string): Promise<number> {
  const list = path.join(dir, `alone-${path.basename(file)}.json`);
  await writeFile(list, JSON.stringify([file]));
  const { line, child } = await startHelper("parse-alone", "bench/lib/extract-only.ts", { BENCH_WARMUP_FILES: "0", BENCH_MAX_PAGES: String(MAX_PDF_PAGES) }, [list]);
  await stopHelper(child);
  return (JSON.parse(line) as { peakRssBytes: number }).peakRssBytes;
}

const toMb = (bytes: number) => bytes / MB;

runFigure(async () => {
  const dir = scratchDir("memory");
  const generatedFile = path.join(dir, "generated.pdf");
  const generated = await writeTextPdf(generatedFile, { targetBytes: GENERATED_PDF_BYTES, seed: 5 });
  log(`memory: generated a ${generated.pages}-page PDF of ${(generated.bytes / MB).toFixed(0)} MB`);
  const pdfs = await fixturePdfs();
  const sizes = await Promise.all(pdfs.map(async (p) => ({ p, size: (await stat(p)).size })));
  const largest = sizes.sort((a, b) => b.size - a.size)[0].p;

  const stack = await startBenchStack("memory", { MAX_UPLOAD_BYTES: String(UPLOAD_BYTES + 16 * MB), MAX_PDF_PAGES: String(MAX_PDF_PAGES) });
  const watcher = await ProgressWatcher.connect(stack.baseURL);
  const results: FigureResult[] = [];
  try {
    // Warm both processes up with one small document, end to end.
    const [warm] = await readParts([pdfs[0]]);
    const { body } = await timedPost(`${stack.baseURL}/api/documents`, uploadForm([warm]));
    await watcher.waitForFinal([(body as { documents: { id: string }[] }).documents[0].id]);

    // The web process alone: no worker, so nothing else moves its memory.
    await stopHelper(stack.workers[0]);
    if (!QUICK) await webUpload(stack, 64 * MB);
    const uploads = [];
    for (let run = 0; run < UPLOAD_RUNS; run++) {
      uploads.push(await webUpload(stack, UPLOAD_BYTES));
      const u = uploads.at(-1)!;
      log(`memory: web idle ${toMb(u.idle).toFixed(0)} MB, peak ${toMb(u.peak).toFixed(0)} MB during ${UPLOAD_BYTES / MB} MB in ${(u.ms / 1000).toFixed(1)} s`);
    }
    const webIdle = median(uploads.map((u) => u.idle));
    const webPeak = median(uploads.map((u) => u.peak));
    results.push(
      result({
        name: `web peak RSS, ${UPLOAD_BYTES / MB} MB streamed upload`,
        value: toMb(webPeak),
        unit: "MB",
        baseline: "the web process's idle RSS just before",
        baselineValue: toMb(webIdle),
        runs: uploads.map((u) => toMb(u.peak)),
        goal: `under ${IDLE_GOAL_MB} MB above idle`,
        met: toMb(webPeak - webIdle) < IDLE_GOAL_MB,
        details: {
          aboveIdleMb: toMb(webPeak - webIdle),
          uploadMbPerSecond: median(uploads.map((u) => UPLOAD_BYTES / MB / (u.ms / 1000))),
        },
      }),
    );

    // The worker, started again, with the web process idle.
    const worker = await stack.startWorker();
    await new Promise((resolve) => setTimeout(resolve, QUICK ? 1_000 : 3_000));
    for (const [label, file] of [
      ["largest fixture PDF", largest],
      [`${(generated.bytes / MB).toFixed(0)} MB generated PDF`, generatedFile],
    ] as const) {
      const run = await workerDocument(stack, watcher, worker.pid!, file);
      // For comparison, in full mode: what pdf-parse alone needs for the same file.
      const alone = QUICK ? undefined : await parserAlonePeak(dir, file);
      log(`memory: worker idle ${toMb(run.idle).toFixed(0)} MB, peak ${toMb(run.peak).toFixed(0)} MB for ${label} (${run.seconds.toFixed(1)} s)`);
      results.push(
        result({
          name: `worker peak RSS, ${label}`,
          value: toMb(run.peak),
          unit: "MB",
          baseline: "the worker's idle RSS just before (worker and parser child processes together)",
          baselineValue: toMb(run.idle),
          runs: [toMb(run.peak)],
          details: {
            file: path.basename(file),
            fileMb: toMb((await stat(file)).size),
            aboveIdleMb: toMb(run.peak - run.idle),
            secondsToDone: run.seconds,
            ...(alone ? { pdfParseAlonePeakMb: toMb(alone) } : {}),
          },
        }),
      );
    }
    return results;
  } finally {
    watcher.close();
    await stack.stop();
  }
});
