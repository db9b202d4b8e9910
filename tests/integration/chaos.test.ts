/**
 * No document is ever lost: 60 documents, the worker killed with SIGKILL three times at random
 * moments and restarted, then Redis restarted once, then PostgreSQL stopped in immediate mode (as
 * a crash would) and started again, with the web and the worker running. Every document ends
 * done, none twice; while the database is away the health check says so, and the web answers
 * again soon after it is back. `npm run chaos` runs the bigger version (500 documents, 20 kills)
 * for the benchmark notes.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { distinctDocuments } from "../fixtures";
import { startOwnPostgres, type OwnPostgres } from "../../scripts/lib/services.mjs";
import { freePort, startOwnStack, type Stack } from "../harness";
import { listDocuments, upload, waitForSimilarityIdle } from "./client";

const DOCUMENTS = Number(process.env.CHAOS_DOCUMENTS ?? 60);
const KILLS = Number(process.env.CHAOS_KILLS ?? 3);
const CHAOS_DB = "docsum_chaos";

let postgresDir: string;
let postgres: OwnPostgres;
let redisDir: string;
let redisPort: number;
let redis: ChildProcess;
let stack: Stack;
let close: () => Promise<void>;
let databaseUrl: string;

function startRedis(): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--dir", redisDir, "--appendonly", "yes", "--appendfsync", "always", "--maxmemory-policy", "noeviction", "--save", ""], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("Ready to accept connections") && resolve(child));
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
}

async function stopRedis(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


beforeAll(async () => {
  // Its own Redis and its own PostgreSQL server, to restart them.
  postgresDir = await mkdtemp(path.join(tmpdir(), "chaos-postgres-"));
  postgres = startOwnPostgres({ dataDir: path.join(postgresDir, "data"), port: await freePort(), password: randomBytes(18).toString("base64url") });
  redisDir = await mkdtemp(path.join(tmpdir(), "chaos-redis-"));
  redisPort = 20000 + Math.floor(Math.random() * 20000);
  redis = await startRedis();
  ({ stack, close } = await startOwnStack(CHAOS_DB, {
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    QUEUE_PREFIX: `chaos${randomUUID().slice(0, 8)}`,
    WORKER_LOCK_DURATION_MS: "4000",
    WORKER_STALLED_INTERVAL_MS: "2000",
    RECONCILE_EVERY_MS: "2000",
    RECONCILE_STALE_AFTER_MS: "6000",
    // Every document keeps SIMILAR_LIMIT neighbours, related or not: the lists are what is checked.
    SIMILAR_MIN_SCORE: "0",
  }, { databaseServer: postgres.url("postgres") }));
  databaseUrl = stack.env.DATABASE_URL;
});

afterAll(async () => {
  await close?.();
  if (redis) await stopRedis(redis);
  if (postgres) await postgres.stop();
  await rm(redisDir, { recursive: true, force: true });
  await rm(postgresDir, { recursive: true, force: true });
});

async function health(): Promise<{ status: number; body: { ok: boolean; database: boolean; redis: boolean; error?: string } }> {
  const response = await fetch(`${stack.baseURL}/api/health`);
  return { status: response.status, body: await response.json() };
}

it("finishes every document once despite worker kills, a Redis restart and a PostgreSQL crash", { timeout: 420_000 + DOCUMENTS * 2_000 }, async () => {
  const files = await distinctDocuments(DOCUMENTS);
  const ids: string[] = [];
  for (let i = 0; i < files.length; i += 10) {
    const { status, body } = await upload(stack.baseURL, files.slice(i, i + 10));
    expect(status).toBe(202);
    ids.push(...body.documents!.map((d) => d.id));
  }
  expect(new Set(ids).size).toBe(DOCUMENTS);

  // Kill the worker at random moments, starting a new one each time.
  for (let kill = 0; kill < KILLS; kill++) {
    await sleep(1_000 + Math.random() * 3_000);
    const victim = stack.workers.at(-1)!;
    const exited = new Promise((resolve) => victim.once("exit", resolve));
    victim.kill("SIGKILL");
    await exited;
    await stack.startWorker();
  }

  // Restart Redis once while work is still going on.
  await sleep(1_000);
  await stopRedis(redis);
  redis = await startRedis();

  // Then PostgreSQL, as a crash would stop it: the health check names it while it is away.
  await sleep(1_000);
  await postgres.crash();
  await expect.poll(async () => (await health()).status, { timeout: 10_000 }).toBe(503);
  expect((await health()).body).toMatchObject({ ok: false, database: false, redis: true, error: "database unreachable" });
  await sleep(2_000);
  await postgres.start();
  // The web answers again within seconds of the database being back.
  await expect.poll(async () => (await health()).status, { timeout: 15_000, interval: 250 }).toBe(200);
  expect((await listDocuments(stack.baseURL)).length).toBe(DOCUMENTS);

  // Read over HTTP until nothing is left running.
  const deadline = Date.now() + 360_000 + DOCUMENTS * 2_000;
  let docs = await listDocuments(stack.baseURL);
  while (docs.some((d) => d.status === "queued" || d.status === "processing")) {
    if (Date.now() > deadline) throw new Error(`still unfinished: ${docs.filter((d) => d.status !== "done").map((d) => `${d.title} ${d.status} ${d.stage}`).join(", ")}`);
    await sleep(1_000);
    docs = await listDocuments(stack.baseURL);
  }
  expect(docs).toHaveLength(DOCUMENTS);
  expect(docs.filter((d) => d.status !== "done").map((d) => `${d.title}: ${d.status} ${d.error}`)).toEqual([]);
  // The library statistics grew with it (and the library was re-embedded, through the kills too).
  await waitForSimilarityIdle(stack.baseURL, undefined, 240_000);

  // None twice: one similarity list of SIMILAR_LIMIT per document, no pair twice, no self-pairs.
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const rows = await db.query<{ documentId: string; n: string; distinct_n: string; self: string }>(
    `SELECT "documentId", count(*) AS n, count(DISTINCT "similarId") AS distinct_n, count(*) FILTER (WHERE "similarId" = "documentId") AS self
     FROM "Similarity" GROUP BY "documentId"`,
  );
  await db.end();
  expect(rows.rows).toHaveLength(DOCUMENTS);
  for (const row of rows.rows) {
    expect(Number(row.n)).toBe(Math.min(5, DOCUMENTS - 1));
    expect(Number(row.distinct_n)).toBe(Number(row.n));
    expect(Number(row.self)).toBe(0);
  }
});
