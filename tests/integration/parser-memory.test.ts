/**
 * Decompression bombs against a stack of its own: 4 MB PDFs whose one content stream inflates to
 * 4 GiB. Each document fails with the memory message while the resident memory of the worker and
 * of its children, read from /proc as it runs, stays within the parser's limit; the worker
 * survives, and a good document uploaded after it still ends done.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnStack, testRedisDatabase, type Stack } from "../harness";
import { inflationBombPdf } from "../hostile-files";
import { getDocument, ProgressWatcher, upload } from "./client";

const MB = 2 ** 20;
const HEAP_MB = 256;
const OFF_HEAP_MB = 256;
/** What one parser child may hold: its heap and what it may use besides. */
const LIMIT = (HEAP_MB + OFF_HEAP_MB) * MB;
/** Between two of the pool's samples (100 ms apart) a child may grow a little past its limit. */
const SLACK = 64 * MB;
/** Past this, the test stops the worker's children itself, so a regression cannot exhaust the machine. */
const RUNAWAY = 3 * 2 ** 30;
/** The memory message; the child's heap may run out first under a busy machine, which fails the document for memory too. */
const MEMORY_MESSAGE = /^(This file needs more memory than allowed\.|The file could not be read: the parser ran out of memory\.)$/;

let stack: Stack;
let watcher: ProgressWatcher;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ stack, watcher, close } = await startOwnStack("docsum_parser_memory", {
    REDIS_URL: testRedisDatabase(4),
    MAX_UPLOAD_BYTES: String(20 * MB),
    EXTRACT_MEMORY_MB: String(HEAP_MB),
    EXTRACT_OFF_HEAP_MB: String(OFF_HEAP_MB),
    // Generous, so that on a busy machine the memory limit, not the time limit, ends the bomb.
    EXTRACT_TIMEOUT_MS: "150000",
  }, { watch: true }));
});

afterAll(() => close?.());

interface ProcessInfo {
  pid: number;
  rss: number;
  uid: number;
  command: string;
}

/** A process and its descendants as /proc shows them now (a process that ends meanwhile is left out). */
async function processTree(pid: number): Promise<ProcessInfo[]> {
  const [status, command, threads] = await Promise.all([
    readFile(`/proc/${pid}/status`, "utf8").catch(() => ""),
    readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => ""),
    readdir(`/proc/${pid}/task`).catch(() => [] as string[]),
  ]);
  if (!status) return [];
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(status)?.[1] ?? 0);
  const children = (await Promise.all(threads.map((tid) => readFile(`/proc/${pid}/task/${tid}/children`, "utf8").catch(() => ""))))
    .join(" ")
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  const below = await Promise.all(children.map(processTree));
  return [{ pid, rss: field("VmRSS") * 1024, uid: field("Uid"), command: command.replaceAll("\0", " ") }, ...below.flat()];
}

/** Samples the worker's process tree every 100 ms until stopped: the peaks, and the parser children seen. */
function sampleWorker(workerPid: number) {
  const peaks = { worker: 0, child: 0, total: 0 };
  const parserUids = new Set<number>();
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(async () => {
      const [worker, ...descendants] = await processTree(workerPid);
      if (!worker) return;
      const total = descendants.reduce((sum, p) => sum + p.rss, worker.rss);
      peaks.worker = Math.max(peaks.worker, worker.rss);
      peaks.total = Math.max(peaks.total, total);
      for (const p of descendants) {
        peaks.child = Math.max(peaks.child, p.rss);
        if (p.command.includes("lib/parsing/child.ts")) parserUids.add(p.uid);
      }
      if (total > RUNAWAY) for (const p of descendants) process.kill(p.pid, "SIGKILL");
    });
  }, 100);
  return {
    async stop() {
      clearInterval(timer);
      await sampling;
      return { peaks, parserUids };
    },
  };
}

function expectWorkerAlive(): void {
  const [worker] = stack.workers;
  expect(stack.workers).toHaveLength(1);
  expect(worker.exitCode).toBeNull();
  expect(worker.signalCode).toBeNull();
}

async function expectGoodDocumentDone(): Promise<void> {
  const { status, body } = await upload(stack.baseURL, [{ name: "after-the-bomb.txt", data: `Tide table ${randomUUID()}. High water came at noon and the boats went out.` }]);
  expect(status).toBe(202);
  const id = body.documents![0].id;
  expect((await watcher.waitForFinal([id])).get(id)).toMatchObject({ status: "done" });
}

const mb = (bytes: number) => Math.round(bytes / MB);

describe("decompression bombs", () => {
  for (const asArray of [false, true]) {
    it(`a 4 MB PDF whose content stream${asArray ? ", listed in an array," : ""} inflates to 4 GiB fails for memory, within the limit`, async () => {
      const pdf = inflationBombPdf(4 * 2 ** 30, { asArray });
      expect(pdf.length).toBeLessThan(5 * MB);
      const workerPid = stack.workers[0].pid!;
      const sampler = sampleWorker(workerPid);
      const { status, body } = await upload(stack.baseURL, [{ name: `bomb-${randomUUID()}.pdf`, data: pdf }]);
      expect(status, JSON.stringify(body)).toBe(202);
      const id = body.documents![0].id;
      const final = (await watcher.waitForFinal([id])).get(id);
      const { peaks, parserUids } = await sampler.stop();
      console.log(`[parser-memory] array=${asArray}: peak RSS worker ${mb(peaks.worker)} MB, largest child ${mb(peaks.child)} MB, tree ${mb(peaks.total)} MB (limit ${mb(LIMIT)} MB a child)`);

      expect(final).toMatchObject({ status: "failed", stage: "extract", error: expect.stringMatching(MEMORY_MESSAGE) });
      expect((await getDocument(stack.baseURL, id)).body).toMatchObject({ status: "failed", error: expect.stringMatching(MEMORY_MESSAGE) });
      expect(peaks.child).toBeLessThanOrEqual(LIMIT + SLACK);
      // The worker itself only read the 4 MB file and handed it over.
      expect(peaks.worker).toBeLessThanOrEqual(512 * MB);
      expect(parserUids.size).toBeGreaterThan(0);
      // As root, the parsers run as EXTRACT_USER (nobody).
      if (process.getuid?.() === 0) expect([...parserUids]).toEqual([Number(execFileSync("id", ["-u", "nobody"], { encoding: "utf8" }))]);
      expectWorkerAlive();
      await expectGoodDocumentDone();
    });
  }
});
