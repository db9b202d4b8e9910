/**
 * Figure 1, upload acknowledgement: 20 concurrent clients upload a 1 MB PDF, 200 times in all,
 * while the worker is busy with a backlog; p50 and p95 of the time to the 202. Baseline: the
 * same uploads to a bare node:http server (its own process) that drains the body and answers 202.
 * Also measured, for where the time goes: the app's own upload receiving (`receiveUpload`) behind a
 * bare node:http server, and (full mode) one round of each with the worker stopped.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { log, QUICK, result, runFigure, scratchDir } from "./lib/figure";
import { fixturePdfs, readParts, statusCounts } from "./lib/documents";
import { uniqueCopy, writeTextPdf } from "./lib/pdf";
import { cpuMs } from "./lib/proc";
import { startBenchStack, startHelper, stopHelper, type BenchStack } from "./lib/stack";
import { median, quantile } from "./lib/stats";
import { timedPost, uploadForm } from "./lib/upload";

const CLIENTS = 20;
const UPLOADS = QUICK ? 100 : 200;
const REPETITIONS = QUICK ? 1 : 5;
const WARMUP = QUICK ? 20 : 40;

/** `count` uploads of unique copies of `pdf` by `clients` concurrent clients; the times to each answer. */
async function round(url: string, pdf: Uint8Array, tag: string, count: number, clients: number): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const client = async () => {
    while (next < count) {
      const i = next++;
      const form = uploadForm([{ name: `upload-${tag}-${i}.pdf`, data: uniqueCopy(pdf, `${tag}-${i}`) }]);
      const { status, ms } = await timedPost(url, form);
      if (status !== 202) throw new Error(`upload ${tag}-${i} to ${url} answered ${status}`);
      times.push(ms);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return times;
}

/** One round to the app and one to the baseline while the worker is stopped; the worker is started again after. */
async function workerStoppedRound(stack: BenchStack, appURL: string, baseURL: string, pdf: Uint8Array) {
  await stopHelper(stack.workers[0]);
  const app = await round(appURL, pdf, "quiet-app", UPLOADS, CLIENTS);
  const base = await round(baseURL, pdf, "quiet-base", UPLOADS, CLIENTS);
  await stack.startWorker();
  const quiet = {
    app: { p50: quantile(app, 0.5), p95: quantile(app, 0.95) },
    baseline: { p50: quantile(base, 0.5), p95: quantile(base, 0.95) },
  };
  log(`upload: worker stopped: app p95 ${quiet.app.p95.toFixed(1)} ms, base p95 ${quiet.baseline.p95.toFixed(1)} ms`);
  return quiet;
}

runFigure(async () => {
  const dir = scratchDir("upload");
  const pdfFile = path.join(dir, "upload-1mb.pdf");
  const generated = await writeTextPdf(pdfFile, { targetBytes: 1024 * 1024, seed: 11 });
  const pdf = await readFile(pdfFile);
  log(`upload: generated a ${generated.pages}-page PDF of ${generated.bytes} bytes`);

  const stack = await startBenchStack("upload");
  const drain = await startHelper("drain", "bench/lib/drain-server.ts");
  const storeOnly = await startHelper("store-only", "bench/lib/store-only-server.ts", {
    STORAGE_DIR: path.join(dir, "store-only"),
    MAX_UPLOAD_BYTES: stack.env.MAX_UPLOAD_BYTES,
  });
  try {
    const appURL = `${stack.baseURL}/api/documents`;
    const baseURL = `http://127.0.0.1:${drain.line}/api/documents`;
    const storeURL = `http://127.0.0.1:${storeOnly.line}/api/documents`;

    await round(appURL, pdf, "warm-app", WARMUP, CLIENTS);
    await round(baseURL, pdf, "warm-base", WARMUP, CLIENTS);
    await round(storeURL, pdf, "warm-store", WARMUP, CLIENTS);

    // For comparison (full mode), one round each with the worker stopped: what the busy worker adds.
    const quiet = QUICK ? undefined : await workerStoppedRound(stack, appURL, baseURL, pdf);

    // A backlog for the worker (besides the documents uploaded so far): every fixture PDF three times, in bulk uploads.
    const fixtures = await readParts(await fixturePdfs());
    for (let copy = 0; copy < 3; copy++) {
      const parts = fixtures.map((f) => ({ name: f.name, data: uniqueCopy(f.data, `backlog-${copy}`) }));
      const { status } = await timedPost(appURL, uploadForm(parts));
      if (status !== 202) throw new Error(`backlog upload answered ${status}`);
    }
    const backlogAtStart = await statusCounts();
    stack.profileFromHere();

    const urls = { app: appURL, base: baseURL, store: storeURL };
    // Each server's own CPU time per upload: the work it does, apart from the machine's other load.
    const pids = { app: stack.webPid, base: drain.child.pid!, store: storeOnly.child.pid! };
    const series = () => ({ p50: [] as number[], p95: [] as number[], cpuMsPerUpload: [] as number[] });
    const measured = { app: series(), base: series(), store: series() };
    const { app, base, store } = measured;
    for (let rep = 0; rep < REPETITIONS; rep++) {
      // Rotate which goes first, so a drifting machine load favours none.
      const targets = ["app", "base", "store"] as const;
      const order = targets.map((_, i) => targets[(i + rep) % targets.length]);
      for (const target of order) {
        const cpuBefore = cpuMs(pids[target]);
        const times = await round(urls[target], pdf, `${target}-${rep}`, UPLOADS, CLIENTS);
        const cpu = (cpuMs(pids[target]) - cpuBefore) / UPLOADS;
        const into = measured[target];
        into.p50.push(quantile(times, 0.5));
        into.p95.push(quantile(times, 0.95));
        into.cpuMsPerUpload.push(cpu);
        log(`upload: ${target} round ${rep + 1}/${REPETITIONS}: p50 ${quantile(times, 0.5).toFixed(1)} ms, p95 ${quantile(times, 0.95).toFixed(1)} ms, ${cpu.toFixed(2)} ms CPU per upload`);
      }
    }
    stack.profileUntilHere();
    const backlogAtEnd = await statusCounts();
    const details = {
      clients: CLIENTS,
      uploadsPerRound: UPLOADS,
      rounds: REPETITIONS,
      pdfBytes: generated.bytes,
      pdfPages: generated.pages,
      baselineRuns: { p50: base.p50, p95: base.p95 },
      cpuMsPerUpload: { app: median(app.cpuMsPerUpload), baseline: median(base.cpuMsPerUpload), storeOnly: median(store.cpuMsPerUpload) },
      storeOnly: { what: "bare node:http + the app's receiveUpload (busboy, sha256, disk), no Next.js/DB/queue", p50: median(store.p50), p95: median(store.p95), runs: store },
      documentsByStatusAtStart: backlogAtStart,
      documentsByStatusAtEnd: backlogAtEnd,
      ...(quiet ? { workerStoppedRound: quiet } : {}),
    };
    const baseline = "bare node:http server (own process) that drains the body and answers 202";
    return [
      result({
        name: "upload ack p95",
        value: median(app.p95),
        unit: "ms",
        baseline,
        baselineValue: median(base.p95),
        runs: app.p95,
        goal: "p95 ratio ≤ 1.3",
        met: median(app.p95) / median(base.p95) <= 1.3,
        details,
      }),
      result({
        name: "upload ack p50",
        value: median(app.p50),
        unit: "ms",
        baseline,
        baselineValue: median(base.p50),
        runs: app.p50,
      }),
    ];
  } finally {
    await stopHelper(drain.child);
    await stopHelper(storeOnly.child);
    await stack.stop();
  }
});
