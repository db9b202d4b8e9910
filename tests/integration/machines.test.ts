/**
 * Several machines: one web process and two worker processes, each in a folder of its own (its
 * own working directory, DATA_DIR and STORAGE_DIR), sharing only PostgreSQL and Redis. With
 * postgres storage every document ends done, once each, even when a worker is killed midway;
 * with local storage (files on the web machine's disk only) documents fail at once with the
 * storage error, and the workers' logs name the driver and the key.
 */
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { distinctDocuments } from "../fixtures";
import { logLines, startOwnStack, testRedisDatabase, type OwnStack } from "../harness";
import { listDocuments, ProgressWatcher, upload } from "./client";

const DOCUMENTS = 40;

/** Settings of a stack spread over machines: quick stalled-job recovery, workers that log their start. */
const machineEnv = (storage: Record<string, string>) => ({
  REDIS_URL: testRedisDatabase(5),
  // The default kind of prefix, a hash tag, on a single Redis server.
  QUEUE_PREFIX: `{machines${randomUUID().slice(0, 8)}}`,
  WORKER_LOCK_DURATION_MS: "4000",
  WORKER_STALLED_INTERVAL_MS: "2000",
  ...storage,
});

/** Everything a process writes, as it writes it. */
function output(child: ChildProcess): () => string {
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

async function uploadAll(baseURL: string, files: { name: string; data: Buffer }[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < files.length; i += 10) {
    const { status, body } = await upload(baseURL, files.slice(i, i + 10));
    expect(status).toBe(202);
    ids.push(...body.documents!.map((d) => d.id));
  }
  return ids;
}

async function query<T extends pg.QueryResultRow>(databaseUrl: string, sql: string): Promise<T[]> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return (await db.query<T>(sql)).rows;
  } finally {
    await db.end();
  }
}

let own: (OwnStack & { watcher: ProgressWatcher }) | undefined;
afterEach(async () => {
  await own?.close();
  own = undefined;
});

it("finishes every document once with postgres storage, though a worker is killed midway", { timeout: 300_000 }, async () => {
  own = await startOwnStack("docsum_machines", machineEnv({ STORAGE_DRIVER: "postgres" }), { watch: true, worker: false, webMachine: "web" });
  const { stack, watcher } = own;
  const [a, b] = [await stack.startWorker({ LOG_LEVEL: "info" }, { machine: "a" }), await stack.startWorker({ LOG_LEVEL: "info" }, { machine: "b" })];
  const logs = [output(a), output(b)];
  const ids = await uploadAll(stack.baseURL, await distinctDocuments(DOCUMENTS));
  expect(new Set(ids).size).toBe(DOCUMENTS);

  // Kill one worker in the middle of the work.
  const doneCount = () => ids.filter((id) => watcher.last(id)?.status === "done").length;
  while (doneCount() < 3) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(doneCount()).toBeLessThan(DOCUMENTS);
  const exited = new Promise((resolve) => a.once("exit", resolve));
  a.kill("SIGKILL");
  await exited;

  const final = await watcher.waitForFinal(ids, 240_000);
  expect([...final.values()].filter((event) => event.status !== "done").map((event) => `${event.id}: ${event.status} ${event.error}`)).toEqual([]);
  expect((await listDocuments(stack.baseURL)).filter((d) => d.status === "done")).toHaveLength(DOCUMENTS);
  // Once each: no stage of any document ran to success twice. (A stage the killed worker committed
  // just before it died keeps its run unfinished, and the job it left is then discarded, so a few
  // stages may have no finished run; their documents are done all the same, as checked above.)
  const runs = await query<{ documentId: string; stage: string; n: number }>(
    stack.env.DATABASE_URL,
    `SELECT "documentId", stage::text, count(*)::int AS n FROM "StageRun" WHERE outcome = 'done' GROUP BY "documentId", stage`,
  );
  expect(runs.length).toBeGreaterThanOrEqual(DOCUMENTS * 4 - 4);
  expect(runs.filter((run) => run.n !== 1)).toEqual([]);
  // Each worker said which storage it uses as it started.
  for (const log of logs) expect(logLines(log())).toContainEqual(expect.objectContaining({ message: "worker started", storage: "postgres" }));
});

it("fails documents at once with the storage error when the workers cannot see the web machine's files", { timeout: 120_000 }, async () => {
  own = await startOwnStack("docsum_machines", machineEnv({ STORAGE_DRIVER: "local", STORAGE_MISSING_WAIT_MS: "1500" }), { watch: true, worker: false, webMachine: "web" });
  const { stack, watcher } = own;
  const logs = [
    output(await stack.startWorker({ LOG_LEVEL: "info" }, { machine: "c" })),
    output(await stack.startWorker({ LOG_LEVEL: "info" }, { machine: "d" })),
  ];
  const ids = await uploadAll(stack.baseURL, await distinctDocuments(4));

  const final = await watcher.waitForFinal(ids, 60_000);
  for (const event of final.values()) {
    expect(event.status).toBe("failed");
    expect(event.error).toContain("The uploaded file could not be found in storage");
    expect(event.retryable).toBe(true);
  }
  // Not after five identical attempts: one extract run each.
  const runs = await query<{ documentId: string; storageKey: string; attempts: number; outcome: string }>(
    stack.env.DATABASE_URL,
    `SELECT d.id AS "documentId", d."storageKey", count(r.id)::int AS attempts, max(r.outcome) AS outcome
     FROM "Document" d JOIN "StageRun" r ON r."documentId" = d.id GROUP BY d.id`,
  );
  expect(runs).toHaveLength(ids.length);
  for (const run of runs) {
    expect(run).toMatchObject({ attempts: 1, outcome: "failed" });
    // The operator reads which driver and which key.
    const said = logs.map((log) => log()).join("");
    expect(said).toContain(`"key":"${run.storageKey}"`);
  }
  expect(logLines(logs.map((log) => log()).join(""))).toContainEqual(expect.objectContaining({ message: "a document's file is not in storage", driver: "local" }));
});
