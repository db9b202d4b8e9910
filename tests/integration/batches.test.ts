/**
 * Batches and the trash, through a stack of their own: an upload request is a batch with counts
 * and an estimate; progress events never go backwards; a delete goes to the trash (gone from every
 * read, similar list and search), a restore brings it all back, a purge removes it for good, and
 * the sweep purges what has been in the trash past its time. Another owner sees none of it.
 */
import { randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import { Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatchProgress, TrashedListItem } from "@/lib/document-types";
import { stageRange } from "@/lib/pipeline/table";
import { startOwnStack, stopProcess, testRedisDatabase, type Stack } from "../harness";
import { api, createAccount, getDocument, listDocuments, listPage, ProgressWatcher, upload, type UploadFile } from "./client";

const DATABASE = "docsum_batches";

let stack: Stack;
let watcher: ProgressWatcher;
let close: () => Promise<void>;
let db: pg.Client;
let other: { id: string; token: string };

beforeAll(async () => {
  ({ stack, watcher, close } = await startOwnStack(DATABASE, { REDIS_URL: testRedisDatabase(12) }, { watch: true }));
  db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
  await db.connect();
  other = await createAccount(stack.baseURL, "other@example.com");
});

afterAll(async () => {
  await db?.end();
  await close?.();
});

/** A text document with unique content, so it is never a duplicate; two of one topic are similar. */
function note(topic: string, marker: string = randomUUID()): UploadFile {
  return {
    name: `${topic}-${marker}.txt`,
    type: "text/plain",
    data: `Notes about ${topic} (${marker}).\n\nThe ${topic} team met on Monday. The ${topic} plan covers the release schedule and the migration of the storage layer. Everyone agreed that the ${topic} work should finish before the end of the quarter.`,
  };
}

async function batch(id: string, token?: string | null): Promise<{ status: number; body: BatchProgress }> {
  const response = await api(stack.baseURL, `/api/batches/${id}`, {}, token);
  return { status: response.status, body: await response.json() };
}

async function uploadDone(files: UploadFile[]): Promise<string[]> {
  const { status, body } = await upload(stack.baseURL, files);
  expect(status).toBe(202);
  const ids = body.documents!.map((d) => d.id);
  const final = await watcher.waitForFinal(ids);
  for (const [id, event] of final) expect(event.status, id).toBe("done");
  return ids;
}

async function trash(token?: string | null): Promise<TrashedListItem[]> {
  return (await listPage(stack.baseURL, { status: "deleted", limit: "200" }, token)).documents as unknown as TrashedListItem[];
}

async function searchIds(q: string): Promise<string[]> {
  const response = await api(stack.baseURL, `/api/search?${new URLSearchParams({ q, mode: "text" })}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { results: { id: string }[] }).results.map((r) => r.id);
}

const storedFiles = async () => (await readdir(stack.env.STORAGE_DIR)).length;

describe("batches", () => {
  it("counts a batch's documents as they finish, with an estimate from the owner's stage times", async () => {
    const empty: UploadFile = { name: `empty-${randomUUID()}.txt`, data: " \n".repeat(1000), type: "text/plain" };
    const { status, body } = await upload(stack.baseURL, [note("harbour"), note("harbour"), empty, note("meadow")]);
    expect(status).toBe(202);
    expect(body.batchId).toEqual(expect.any(String));
    const ids = body.documents!.map((d) => d.id);
    const early = await batch(body.batchId!);
    expect(early.status).toBe(200);
    expect(early.body).toMatchObject({ id: body.batchId, total: 4 });
    expect(early.body.done + early.body.failed + early.body.active).toBe(4);

    await watcher.waitForFinal(ids);
    expect((await batch(body.batchId!)).body).toEqual({ id: body.batchId, total: 4, done: 3, failed: 1, active: 0, etaSeconds: 0 });
    const listed = await listDocuments(stack.baseURL, undefined, { batch: body.batchId! });
    expect(listed.map((d) => d.id).sort()).toEqual([...ids].sort());

    // With no worker running, a new batch waits: its estimate is the work its documents have left.
    await stopProcess(stack.workers[0]);
    const waiting = await upload(stack.baseURL, [note("orchard"), note("orchard"), note("orchard")]);
    const queued = await batch(waiting.body.batchId!);
    expect(queued.body).toMatchObject({ total: 3, done: 0, failed: 0, active: 3 });
    expect(queued.body.etaSeconds).toBeGreaterThan(0);
    await stack.startWorker();
    await watcher.waitForFinal(waiting.body.documents!.map((d) => d.id));
    expect((await batch(waiting.body.batchId!)).body).toMatchObject({ done: 3, active: 0, etaSeconds: 0 });
  });

  it("answers 404 for another owner's batch and for an unknown one", async () => {
    const { body } = await upload(stack.baseURL, [note("lantern")]);
    expect((await batch(body.batchId!, other.token)).status).toBe(404);
    expect((await batch(randomUUID())).status).toBe(404);
    expect((await batch("not-an-id")).status).toBe(400);
    const foreignList = await listPage(stack.baseURL, { batch: body.batchId! }, other.token);
    expect(foreignList).toMatchObject({ documents: [], total: 0 });
    await watcher.waitForFinal(body.documents!.map((d) => d.id));
  });

  it("never sends a document's progress backwards", async () => {
    // Every event of every document this file uploaded so far: per document, in order.
    expect(watcher.events.size).toBe(8);
    for (const [id, events] of watcher.events) {
      for (let i = 1; i < events.length; i++) {
        const [before, after] = [events[i - 1], events[i]];
        const where = `${id} event ${i}: ${JSON.stringify(before)} then ${JSON.stringify(after)}`;
        if (after.status === "processing" || after.status === "done") expect(after.progress, where).toBeGreaterThanOrEqual(before.progress);
        if (before.status === "processing") expect(after.status, where).not.toBe("queued");
      }
    }
  });

  it("moves the bar within the embedding and the similar stages, not only at their ends", async () => {
    const finished = [...watcher.events.values()].filter((events) => events.at(-1)?.status === "done");
    expect(finished.length).toBeGreaterThan(0);
    for (const events of finished) {
      const inside = (stage: string, [start, end]: readonly [number, number]) =>
        events.some((event) => event.status === "processing" && event.stage === stage && event.progress > start && event.progress < end);
      expect(inside("embed", stageRange("embed")), JSON.stringify(events)).toBe(true);
      expect(inside("similar", stageRange("similar")), JSON.stringify(events)).toBe(true);
    }
  });
});

describe("trash", () => {
  it("takes a deleted document out of every read, list, similar list and search, and restores it all", async () => {
    const marker = `zyxwv${randomUUID().slice(0, 8)}`;
    const [kept, deleted] = await uploadDone([note("quarry"), note("quarry", marker)]);
    expect((await getDocument(stack.baseURL, kept)).body.similar.map((s) => s.id)).toContain(deleted);
    expect(await searchIds(marker)).toEqual([deleted]);
    const file = Buffer.from(await (await api(stack.baseURL, `/api/documents/${deleted}/file`)).arrayBuffer());
    const filesBefore = await storedFiles();

    expect((await api(stack.baseURL, `/api/documents/${deleted}`, { method: "DELETE" })).status).toBe(204);
    // Gone, exactly as a document that never existed.
    const reads: [string, string][] = [
      ["GET", ""],
      ["GET", "/text"],
      ["GET", "/file"],
      ["POST", "/retry"],
      ["POST", "/reprocess"],
      ["POST", "/cancel"],
      ["DELETE", ""],
    ];
    for (const [method, route] of reads) {
      expect((await api(stack.baseURL, `/api/documents/${deleted}${route}`, { method })).status, `${method} ${route}`).toBe(404);
    }
    const rename = await api(stack.baseURL, `/api/documents/${deleted}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "x" }) });
    expect(rename.status).toBe(404);
    expect((await getDocument(stack.baseURL, kept)).body.similar.map((s) => s.id)).not.toContain(deleted);
    expect(await searchIds(marker)).toEqual([]);
    expect((await listDocuments(stack.baseURL)).map((d) => d.id)).not.toContain(deleted);
    const trashed = (await trash()).find((d) => d.id === deleted);
    expect(trashed).toMatchObject({ status: "done", title: `quarry-${marker}` });
    expect(Date.parse(trashed!.purgeAt) - Date.parse(trashed!.deletedAt)).toBe(30 * 24 * 60 * 60 * 1000);
    expect(await storedFiles()).toBe(filesBefore);

    // Another owner can neither see nor restore nor purge it.
    expect((await trash(other.token)).map((d) => d.id)).not.toContain(deleted);
    expect((await api(stack.baseURL, `/api/documents/${deleted}/restore`, { method: "POST" }, other.token)).status).toBe(404);
    expect((await api(stack.baseURL, `/api/documents/${deleted}?purge=true`, { method: "DELETE" }, other.token)).status).toBe(404);

    const restored = await api(stack.baseURL, `/api/documents/${deleted}/restore`, { method: "POST" });
    expect(restored.status).toBe(200);
    expect(await restored.json()).toMatchObject({ id: deleted, status: "done" });
    expect((await getDocument(stack.baseURL, deleted)).body.similar.map((s) => s.id)).toContain(kept);
    expect((await getDocument(stack.baseURL, kept)).body.similar.map((s) => s.id)).toContain(deleted);
    expect(await searchIds(marker)).toEqual([deleted]);
    expect(Buffer.from(await (await api(stack.baseURL, `/api/documents/${deleted}/file`)).arrayBuffer()).equals(file)).toBe(true);
    expect((await trash()).map((d) => d.id)).not.toContain(deleted);
    expect((await api(stack.baseURL, `/api/documents/${deleted}/restore`, { method: "POST" })).status).toBe(404);

    // A new document like it finds it again: the vector index took it back.
    const [twin] = await uploadDone([note("quarry")]);
    expect((await getDocument(stack.baseURL, twin)).body.similar.map((s) => s.id)).toContain(deleted);
  });

  it("purges a document for good, from the trash or from the library", async () => {
    const [inTrash, inLibrary] = await uploadDone([note("pylon"), note("culvert")]);
    const filesBefore = await storedFiles();
    expect((await api(stack.baseURL, `/api/documents/${inTrash}`, { method: "DELETE" })).status).toBe(204);
    expect((await api(stack.baseURL, `/api/documents/${inTrash}?purge=true`, { method: "DELETE" })).status).toBe(204);
    expect((await api(stack.baseURL, `/api/documents/${inLibrary}?purge=true`, { method: "DELETE" })).status).toBe(204);
    expect(await storedFiles()).toBe(filesBefore - 2);
    expect((await trash()).map((d) => d.id)).not.toContain(inTrash);
    for (const id of [inTrash, inLibrary]) {
      expect((await api(stack.baseURL, `/api/documents/${id}/restore`, { method: "POST" })).status).toBe(404);
      expect((await getDocument(stack.baseURL, id)).status).toBe(404);
    }
  });

  it("empties what has been in the trash past its time when the sweep runs", async () => {
    const [old, recent] = await uploadDone([note("sluice"), note("weir")]);
    for (const id of [old, recent]) expect((await api(stack.baseURL, `/api/documents/${id}`, { method: "DELETE" })).status).toBe(204);
    await db.query(`UPDATE "TrashedDocument" SET "deletedAt" = now() - interval '31 days' WHERE "id" = $1`, [old]);
    const filesBefore = await storedFiles();

    const prefix = stack.env.QUEUE_PREFIX;
    const connections = [new Redis(stack.env.REDIS_URL), new Redis(stack.env.REDIS_URL, { maxRetriesPerRequest: null })];
    const maintenance = new Queue("maintenance", { connection: connections[0], prefix });
    const events = new QueueEvents("maintenance", { connection: connections[1], prefix });
    try {
      await events.waitUntilReady();
      const job = await maintenance.add("sweep", {});
      expect(await job.waitUntilFinished(events, 60_000)).toMatchObject({ purged: 1 });
    } finally {
      await events.close();
      await maintenance.close();
      await Promise.all(connections.map((connection) => connection.quit()));
    }
    expect((await trash()).map((d) => d.id)).toEqual([recent]);
    expect(await storedFiles()).toBe(filesBefore - 1);
    expect((await api(stack.baseURL, `/api/documents/${old}/restore`, { method: "POST" })).status).toBe(404);
  });
});
