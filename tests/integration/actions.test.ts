/**
 * The seed's job patterns, each through the real stack: delay, cancel, retry, re-run, delete,
 * discard, priorities, reconciliation and graceful shutdown.
 */
import { randomUUID } from "node:crypto";
import { copyFile, mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { fixturePath } from "../fixtures";
import { startProcess, TEST_DATABASE_URL, TEST_REDIS_URL } from "../harness";
import { api, getDocument, listDocuments, ProgressWatcher, upload } from "./client";

const baseURL = inject("baseURL");
const storageDir = inject("storageDir");
const stackEnv = inject("stackEnv");

let watcher: ProgressWatcher;
let redis: Redis;
const queues: Record<string, Queue> = {};

beforeAll(async () => {
  watcher = await ProgressWatcher.connect(baseURL);
  redis = new Redis(TEST_REDIS_URL);
  for (const name of ["ingest", "ai", "index"]) queues[name] = new Queue(name, { connection: redis, prefix: stackEnv.QUEUE_PREFIX });
});

afterAll(async () => {
  watcher?.close();
  await Promise.all(Object.values(queues).map((q) => q.close()));
  await redis?.quit();
});

/** A text document with unique content, so it is never a duplicate. */
function note(topic: string) {
  const marker = randomUUID();
  return {
    name: `${topic}-${marker}.txt`,
    data: `Notes about ${topic} (${marker}).\n\nThe ${topic} team met on Monday. The ${topic} plan covers the release schedule and the migration of the storage layer. Everyone agreed that the ${topic} work should finish before the end of the quarter.`,
  };
}

async function uploadOne(file: { name: string; data: string }): Promise<string> {
  const { status, body } = await upload(baseURL, [file]);
  expect(status).toBe(202);
  return body.documents![0].id;
}

async function post(id: string, action: string, body?: unknown) {
  const response = await api(baseURL, `/api/documents/${id}/${action}`, {
    method: "POST",
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: await response.json() };
}

/** Waits until the document's status (read over HTTP) is one of `statuses`. */
async function waitForStatus(id: string, statuses: string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await getDocument(baseURL, id);
    if (statuses.includes(body.status)) return body;
    if (Date.now() > deadline) throw new Error(`document ${id} is ${body.status}, not ${statuses.join("/")}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("delay, cancel and retry", () => {
  it("schedules a re-run for later, cancels it while it waits, and retries it", async () => {
    const id = await uploadOne(note("delay"));
    await waitForStatus(id, ["done"]);

    const at = new Date(Date.now() + 60_000).toISOString();
    const rerun = await post(id, "reprocess", { at });
    expect(rerun.status).toBe(200);
    expect(rerun.body).toMatchObject({ id, status: "queued", stage: "extract", progress: 0 });
    expect(await queues.ingest.getJobState(`${id}-extract`)).toBe("delayed");

    const cancelled = await post(id, "cancel");
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: "cancelled" });
    expect(await queues.ingest.getJob(`${id}-extract`)).toBeUndefined();
    expect((await post(id, "cancel")).status).toBe(409);

    const retried = await post(id, "retry");
    expect(retried.status).toBe(200);
    expect((await waitForStatus(id, ["done", "failed"])).status).toBe("done");
  });

  it("runs a scheduled re-run no earlier than the time asked", async () => {
    const id = await uploadOne(note("schedule"));
    await waitForStatus(id, ["done"]);
    const at = Date.now() + 3_000;
    expect((await post(id, "reprocess", { at: new Date(at).toISOString() })).status).toBe(200);
    const before = watcher.events.get(id)?.length ?? 0;
    await waitForStatus(id, ["done"]);
    const started = watcher.events.get(id)!.slice(before).find((e) => e.status === "processing");
    expect(started).toBeDefined();
    const detail = (await getDocument(baseURL, id)).body;
    expect(Date.parse(detail.finishedAt!)).toBeGreaterThanOrEqual(at);
  });

  it("answers 409 with a reason when an action does not apply, and 400 for a bad time", async () => {
    const id = await uploadOne(note("conflict"));
    await waitForStatus(id, ["done"]);
    const retry = await post(id, "retry");
    expect(retry.status).toBe(409);
    expect(retry.body.error).toMatch(/Only a failed or cancelled document can be retried; this one is done/);
    expect((await post(id, "cancel")).status).toBe(409);
    const badTime = await post(id, "reprocess", { at: "tomorrow" });
    expect(badTime.status).toBe(400);
    expect(badTime.body.error).toMatch(/^at: must be an ISO 8601 time/);
    expect((await post(randomUUID(), "retry")).status).toBe(404);
  });

  it("retries a failed document from the stage that failed", async () => {
    // Blank content of a length no other test uses, so it is never a duplicate of theirs.
    const blank = " \n".repeat(1000 + Math.floor(Math.random() * 100_000));
    const { body } = await upload(baseURL, [{ name: `blank-${randomUUID()}.txt`, data: blank }]);
    const id = body.documents![0].id;
    const failed = await waitForStatus(id, ["failed"]);
    expect(failed).toMatchObject({ stage: "extract", error: "No text was found in this file." });
    expect((await post(id, "retry")).body).toMatchObject({ status: "queued", stage: "extract", error: null });
    expect(await waitForStatus(id, ["failed"])).toMatchObject({ error: "No text was found in this file." });
  });
});

describe("delete", () => {
  it("moves the document to the trash, out of other documents' similar lists, and purges it with its file", async () => {
    const first = await uploadOne(note("orchard"));
    const second = await uploadOne(note("orchard"));
    await waitForStatus(first, ["done"]);
    await waitForStatus(second, ["done"]);
    expect((await getDocument(baseURL, first)).body.similar.map((s) => s.id)).toContain(second);
    const filesBefore = (await readdir(storageDir)).length;

    const response = await api(baseURL, `/api/documents/${second}`, { method: "DELETE" });
    expect(response.status).toBe(204);
    expect((await getDocument(baseURL, second)).status).toBe(404);
    expect((await getDocument(baseURL, first)).body.similar.map((s) => s.id)).not.toContain(second);
    expect((await listDocuments(baseURL)).map((d) => d.id)).not.toContain(second);
    // The trash keeps its file for a restore, until it is purged.
    expect((await readdir(storageDir)).length).toBe(filesBefore);
    expect((await api(baseURL, `/api/documents/${second}`, { method: "DELETE" })).status).toBe(404);
    expect((await api(baseURL, `/api/documents/${second}?purge=true`, { method: "DELETE" })).status).toBe(204);
    expect((await readdir(storageDir)).length).toBe(filesBefore - 1);
  });

  it("discards a waiting job whose document was deleted, without an error", async () => {
    const id = await uploadOne(note("discard"));
    await waitForStatus(id, ["done"]);
    expect((await post(id, "reprocess", { at: new Date(Date.now() + 1_500).toISOString() })).status).toBe(200);
    // Delete the row behind the queue's back, as another process might.
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    await db.query(`DELETE FROM "Document" WHERE id = $1`, [id]);
    await db.end();
    const deadline = Date.now() + 30_000;
    while ((await queues.index.getJobState(`${id}-similar`)) !== "completed") {
      if (Date.now() > deadline) throw new Error("the chain of a deleted document did not complete");
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await queues.ingest.getJobState(`${id}-extract`)).toBe("completed");
  });
});

describe("queues", () => {
  it("puts an interactive upload before a bulk upload", async () => {
    const bulk = await upload(baseURL, Array.from({ length: 12 }, (_, i) => note(`bulk${i}`)));
    const single = await uploadOne(note("interactive"));
    const bulkJob = await queues.ingest.getJob(`${bulk.body.documents![0].id}-extract`);
    const singleJob = await queues.ingest.getJob(`${single}-extract`);
    expect(singleJob?.opts.priority).toBeLessThan(bulkJob?.opts.priority ?? 0);
    expect(bulkJob?.opts.removeOnComplete).toMatchObject({ age: expect.any(Number), count: expect.any(Number) });
    await Promise.all([single, ...bulk.body.documents!.map((d) => d.id)].map((id) => waitForStatus(id, ["done"])));
  });

  it("re-enqueues a document the database calls queued but Redis has no job for", async () => {
    // A crash between commit and enqueue: the row and the file exist, the jobs never did.
    const id = randomUUID();
    const storageKey = randomUUID();
    await copyFile(fixturePath("coreutils-README.txt"), path.join(storageDir, storageKey));
    const db = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await db.connect();
    await db.query(
      `INSERT INTO "Document" (id, "ownerId", title, filename, "mimeType", size, sha256, "storageKey", "updatedAt", "createdAt")
       VALUES ($1, (SELECT id::text FROM "User" WHERE "isAdmin" ORDER BY "createdAt" LIMIT 1), 'lost', 'lost.txt', 'text/plain', 10774, $2, $3, now() - interval '1 hour', now() - interval '1 hour')`,
      [id, randomUUID(), storageKey],
    );
    await db.end();
    expect((await waitForStatus(id, ["done", "failed"])).status).toBe("done");
  });

  it("finishes documents whose jobs were lost when Redis lost its data", async () => {
    const ids = await Promise.all(["flush1", "flush2", "flush3"].map((topic) => uploadOne(note(topic))));
    for (const id of ids) await waitForStatus(id, ["done"]);
    // Re-runs scheduled far in the future wait in Redis; then Redis loses everything.
    const later = new Date(Date.now() + 3_600_000).toISOString();
    for (const id of ids) expect((await post(id, "reprocess", { at: later })).status).toBe(200);
    await redis.flushdb();
    for (const id of ids) expect((await waitForStatus(id, ["done", "failed"], 90_000)).status).toBe("done");
  });

  it("stops a worker on SIGTERM with exit code 0", async () => {
    const worker = startProcess("extra-worker", "worker/index.ts", { ...stackEnv, WORKER_QUEUES: "ingest", LOG_LEVEL: "info" });
    await new Promise<void>((resolve) => {
      worker.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("worker started") && resolve());
    });
    const exited = new Promise<string>((resolve) => worker.once("exit", (code, signal) => resolve(`exit ${code ?? signal}`)));
    worker.kill("SIGTERM");
    expect(await exited).toBe("exit 0");
  });
});

describe("queue dashboard", () => {
  it("shows the queues at /admin/queues", async () => {
    const page = await api(baseURL, `/admin/queues`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Docsum queues</title>");
    const answer = await api(baseURL, `/admin/queues/api/queues`);
    const { queues: shown } = (await answer.json()) as { queues: { name: string; counts: Record<string, number> }[] };
    expect(shown.map((q) => q.name).sort()).toEqual(["ai", "index", "ingest", "maintenance"]);
    expect(shown.find((q) => q.name === "ingest")!.counts.completed).toBeGreaterThan(0);
  });
});

describe("bulk import", () => {
  it("imports a folder with a progress bar in the terminal, skipping what it cannot read", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "import-"));
    for (const topic of ["alpha", "beta", "gamma"]) {
      const file = note(topic);
      await writeFile(path.join(folder, file.name), file.data);
    }
    await writeFile(path.join(folder, "archive.zip"), Buffer.from("504b0304140000000800", "hex"));
    const child = startProcess("import", "scripts/import.ts", { ...stackEnv }, [folder]);
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(output).toContain("queued 3 documents (0 already in the library, 1 skipped)");
    expect(output).toContain("3 of 3 finished (3 done, 0 failed)");
    expect(code).toBe(0);
  });
});
