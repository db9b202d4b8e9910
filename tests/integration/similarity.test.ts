/**
 * Similar documents on a stack of their own, with the embedded HNSW index answering from the first
 * document (SIMILAR_EXACT_BELOW=0): the fixtures' LaTeX graphics bundle finds itself and not the
 * bzip2 manual, a document with no relative shows the empty state, a re-export is a possible
 * duplicate, the index survives a worker restart and a deleted index file, two workers inserting
 * at once lose no neighbour, a deleted document leaves the index and every list, and the
 * re-embedding after new statistics ends with every document on the new version, resuming after
 * its worker is killed, and one whose job was lost is queued again by the reconciler.
 */
import { readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import Redis from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reembedJobId } from "@/lib/pipeline/table";
import { FIXTURES_DIR, fixturePath } from "../fixtures";
import { startOwnStack, stopProcess, testRedisDatabase, type Stack } from "../harness";
import { api, fileFrom, getDocument, ProgressWatcher, signIn, similarityStatus, upload, waitForSimilarityIdle, type UploadFile } from "./client";

const BUNDLE_CORE = ["graphics", "graphicx", "grfguide", "color", "drivers", "epsfig"];
const BUNDLE = [...BUNDLE_CORE, "keyval", "lscape", "rotating", "trig", "rotex", "mathcolor"];
const INDEX_DIR = path.join(tmpdir(), `docsum-similarity-index-${process.pid}`);

let stack: Stack;
let watcher: ProgressWatcher;
let close: () => Promise<void>;
let db: pg.Client;
const ids = new Map<string, string>(); // title at upload (the file name without its extension) -> id
/** The name a document was uploaded under (its title then; a PDF's title later comes from its metadata). */
const nameOf = (id: string) => [...ids].find(([, known]) => known === id)?.[0];

async function uploadAndWait(files: UploadFile[]): Promise<string[]> {
  const { status, body } = await upload(stack.baseURL, files);
  expect(status).toBe(202);
  const uploaded = body.documents!.map((d) => d.id);
  for (const doc of body.documents!) ids.set(doc.title, doc.id);
  const final = await watcher.waitForFinal(uploaded);
  for (const [id, event] of final) expect(event.status, id).toBe("done");
  // Lists are final once new statistics (the library may have grown enough) are counted and the library re-embedded.
  await waitForSimilarityIdle(stack.baseURL);
  return uploaded;
}

/** A short text about one topic; `twin` gives a near copy of it. */
function topicText(topic: string, words: string[], twin = false): UploadFile {
  const body = Array.from({ length: 30 }, (_, i) => `The ${topic} ${words[i % words.length]} ${words[(i * 7 + 3) % words.length]} keeps the ${words[(i * 3 + 1) % words.length]} of ${topic} steady, line ${i}.`).join("\n");
  return { name: `${topic}${twin ? "-twin" : ""}.txt`, data: twin ? `${body}\nA second copy, made later.\n` : body, type: "text/plain" };
}

/** Polls a document until it is done with a finish time after `since`. */
async function waitUntilFinishedAfter(id: string, since: number): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const { body } = await getDocument(stack.baseURL, id);
    if (body.status === "done" && body.finishedAt && Date.parse(body.finishedAt) >= since) return;
    if (Date.now() > deadline) throw new Error(`document ${id} did not finish again: ${body.status} ${body.stage}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function listOf(title: string) {
  return (await getDocument(stack.baseURL, ids.get(title)!)).body.similar;
}

beforeAll(async () => {
  ({ stack, watcher, close } = await startOwnStack(
    "docsum_similarity",
    {
      // A Redis database of its own: another file's stack starting meanwhile empties the shared one.
      REDIS_URL: testRedisDatabase(13),
      SIMILAR_EXACT_BELOW: "0",
      SIMILAR_INDEX_DIR: INDEX_DIR,
      SIMILAR_REEMBED_BATCH: "2",
      // A killed worker's jobs are taken over within seconds.
      WORKER_LOCK_DURATION_MS: "15000",
      WORKER_STALLED_INTERVAL_MS: "5000",
    },
    { watch: true },
  ));
  db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
  await db.connect();
  const names = (await readdir(FIXTURES_DIR)).filter((name) => !name.startsWith("README")).sort();
  await uploadAndWait(await Promise.all(names.map((name) => fileFrom(fixturePath(name)))));
});

afterAll(async () => {
  await db?.end();
  await close?.();
  await rm(INDEX_DIR, { recursive: true, force: true });
});

describe("similar lists", () => {
  it("let the LaTeX graphics bundle find each other, and never list the bzip2 manual among them", async () => {
    for (const title of BUNDLE_CORE) {
      const similar = await listOf(title);
      expect(similar.length, title).toBeGreaterThan(0);
      expect(BUNDLE, `${title}'s nearest`).toContain(nameOf(similar[0].id));
      for (const s of similar) expect(s.terms.length, `${title} → ${nameOf(s.id)}`).toBeGreaterThan(0);
    }
    for (const title of BUNDLE) expect((await listOf(title)).map((s) => nameOf(s.id)), title).not.toContain("bzip2-manual");
  });

  it("show the empty state for a document with no relative", async () => {
    const note = `<html><body><h1>Release notes 4.2</h1><ul><li>Fixed a crash when opening the settings dialog on startup</li>
      <li>Improved performance of the dashboard charts</li><li>New dark theme</li><li>Updated translations for German and French</li></ul>
      <p>Thanks to all contributors who reported issues and sent patches this spring.</p></body></html>`;
    const [id] = await uploadAndWait([{ name: "release-notes-4.2.html", data: note, type: "text/html" }]);
    expect((await getDocument(stack.baseURL, id)).body.similar).toEqual([]);
    const cookie = await signIn(stack.baseURL, stack.admin!.email, stack.admin!.password);
    const page = await (await fetch(`${stack.baseURL}/documents/${id}`, { headers: { cookie } })).text();
    expect(page).toContain("No similar documents yet");
  });

  it("mark a re-export as a possible duplicate, with a link to the original", async () => {
    const original = await readFile(fixturePath("coreutils-README.txt"), "utf8");
    const [id] = await uploadAndWait([{ name: "coreutils-README-reexport.txt", data: original.replace(/^/, "Exported from the wiki on 2026-12-01.\n"), type: "text/plain" }]);
    const { body } = await getDocument(stack.baseURL, id);
    expect(body.similar[0]).toMatchObject({ id: ids.get("coreutils-README"), nearDuplicate: true });
    const cookie = await signIn(stack.baseURL, stack.admin!.email, stack.admin!.password);
    const page = await (await fetch(`${stack.baseURL}/documents/${id}`, { headers: { cookie } })).text();
    expect(page).toMatch(/Possible duplicate of.*coreutils-README/s);
    // Another document of the bundle is related, not a duplicate.
    expect((await listOf("graphicx")).every((s) => !s.nearDuplicate)).toBe(true);
  });
});

describe("the embedded index", () => {
  it("gives the same answers after a worker restart with its index file deleted", async () => {
    await waitForSimilarityIdle(stack.baseURL);
    const title = "graphicx";
    const before = await listOf(title);
    for (const worker of stack.workers) await stopProcess(worker);
    await rm(INDEX_DIR, { recursive: true, force: true });
    await stack.startWorker();
    // Find-similar again for graphicx: the new worker rebuilds the index from PostgreSQL.
    const asked = Date.now();
    const reprocess = await api(stack.baseURL, `/api/documents/${ids.get(title)}/reprocess`, { method: "POST" });
    expect(reprocess.status).toBe(200);
    await waitUntilFinishedAfter(ids.get(title)!, asked);
    await waitForSimilarityIdle(stack.baseURL);
    const after = await listOf(title);
    expect(after.map((s) => s.id)).toEqual(before.map((s) => s.id));
    after.forEach((s, i) => expect(s.score).toBeCloseTo(before[i].score, 2));
  });

  it("loses no neighbour when two workers insert into one library at once", async () => {
    await stack.startWorker();
    const topics: [string, string[]][] = [
      ["lighthouse", ["lantern", "keeper", "beacon", "foghorn", "reef", "shipwreck"]],
      ["beekeeping", ["hive", "queen", "honeycomb", "pollen", "swarm", "apiary"]],
      ["glacier", ["moraine", "crevasse", "icefall", "firn", "meltwater", "serac"]],
      ["violin", ["bow", "rosin", "fingerboard", "luthier", "tailpiece", "scroll"]],
      ["sourdough", ["starter", "levain", "crumb", "proofing", "banneton", "crust"]],
      ["volcano", ["magma", "caldera", "lava", "pumice", "fumarole", "tephra"]],
    ];
    const files = topics.flatMap(([topic, words]) => [topicText(topic, words), topicText(topic, words, true)]);
    await uploadAndWait(files);
    for (const [topic] of topics) {
      const twin = `${topic}-twin`;
      expect((await listOf(topic)).map((s) => nameOf(s.id)), topic).toContain(twin);
      expect((await listOf(twin)).map((s) => nameOf(s.id)), twin).toContain(topic);
    }
  });

  it("drops a deleted document from the index and from every list", async () => {
    await waitForSimilarityIdle(stack.baseURL);
    const victim = ids.get("volcano")!;
    expect((await listOf("volcano-twin")).map((s) => s.id)).toContain(victim);
    expect((await api(stack.baseURL, `/api/documents/${victim}`, { method: "DELETE" })).status).toBe(204);
    const rows = await db.query(`SELECT 1 FROM "Similarity" WHERE "similarId" = $1 OR "documentId" = $1`, [victim]);
    expect(rows.rowCount).toBe(0);
    expect((await listOf("volcano-twin")).map((s) => s.id)).not.toContain(victim);
    // A new document like it finds its twin but not the deleted one: the index no longer holds it.
    const [again] = await uploadAndWait([{ ...topicText("volcano", ["magma", "caldera", "lava", "pumice", "fumarole", "tephra"]), name: "volcano-again.txt", data: `${topicText("volcano", ["magma", "caldera", "lava", "pumice", "fumarole", "tephra"]).data}\nOnce more.\n` }]);
    const similar = (await getDocument(stack.baseURL, again)).body.similar.map((s) => s.id);
    expect(similar).toContain(ids.get("volcano-twin"));
    expect(similar).not.toContain(victim);
  });
});

describe("re-embedding after new statistics", () => {
  it("ends with every document on the new version, shows its progress, and resumes after its worker is killed", { timeout: 420_000 }, async () => {
    await waitForSimilarityIdle(stack.baseURL);
    const before = (await similarityStatus(stack.baseURL)).statistics!;
    // Grow the library by more than SIMILAR_STATISTICS_GROWTH (a quarter) so that new statistics are due.
    const grow = Math.ceil(before.documents * 0.25) + 2;
    const files = Array.from({ length: grow }, (_, i) => topicText(`harbour${i}`, ["quay", "bollard", "pilot", "tugboat", "mooring", "breakwater"]));
    const { body } = await upload(stack.baseURL, files);
    const uploaded = body.documents!.map((d) => d.id);
    // Kill the workers while the library is being re-embedded, then start one again.
    const deadline = Date.now() + 120_000;
    let seen = await similarityStatus(stack.baseURL);
    while (!(seen.statistics!.version > before.version && seen.statistics!.reembedding.done > 0 && !seen.statistics!.reembedding.finished)) {
      if (Date.now() > deadline) throw new Error(`no re-embedding seen: ${JSON.stringify(seen)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      seen = await similarityStatus(stack.baseURL);
    }
    const progress = seen.statistics!.reembedding;
    expect(progress.total).toBeGreaterThan(progress.done);
    for (const worker of stack.workers) if (worker.exitCode === null) worker.kill("SIGKILL");
    // Stopped half way, and the document page says so.
    const cookie = await signIn(stack.baseURL, stack.admin!.email, stack.admin!.password);
    const page = await (await fetch(`${stack.baseURL}/documents/${ids.get("graphicx")}`, { headers: { cookie } })).text();
    expect(page).toContain("Your library is being re-indexed");
    await stack.startWorker();
    await watcher.waitForFinal(uploaded);
    const after = await waitForSimilarityIdle(stack.baseURL, undefined, 240_000);
    expect(after.statistics!.version).toBeGreaterThan(before.version);
    expect(after.statistics!.reembedding.finished).toBe(true);
    expect(after.statistics!.reembedding.done).toBeGreaterThanOrEqual(after.statistics!.reembedding.total);
    // Every indexed document is on the latest version, and no list pairs two models.
    const models = await db.query<{ model: string; n: number }>(
      `SELECT "embeddingModel" AS model, count(*)::int AS n FROM "Document" WHERE "vectorSeq" IS NOT NULL GROUP BY 1`,
    );
    expect(models.rows.map((row) => row.model)).toEqual([`local-lsa-128@${after.statistics!.version}`]);
    const mixed = await db.query(
      `SELECT 1 FROM "Similarity" s JOIN "Document" a ON a.id = s."documentId" JOIN "Document" b ON b.id = s."similarId" WHERE a."embeddingModel" <> b."embeddingModel"`,
    );
    expect(mixed.rowCount).toBe(0);
  });

  it("is queued again by the reconciler when its job was lost, and ends", { timeout: 240_000 }, async () => {
    await waitForSimilarityIdle(stack.baseURL);
    // The latest statistics' lists half rebuilt, and their job gone (as with a flushed Redis, or a job that failed for good).
    const { rows } = await db.query<{ ownerId: string; version: number }>(`SELECT "ownerId", "version" FROM "LibraryStatistics" ORDER BY "version" DESC LIMIT 1`);
    const [{ ownerId, version }] = rows;
    await db.query(`UPDATE "LibraryStatistics" SET "finishedAt" = NULL, "listsCursor" = NULL, "listsDone" = 0 WHERE "ownerId" = $1 AND "version" = $2`, [ownerId, version]);
    const redis = new Redis(stack.env.REDIS_URL);
    const maintenance = new Queue("maintenance", { connection: redis, prefix: stack.env.QUEUE_PREFIX });
    try {
      await maintenance.remove(reembedJobId(ownerId, version));
      expect((await similarityStatus(stack.baseURL)).refreshing).toBe(true);
      const after = await waitForSimilarityIdle(stack.baseURL, undefined, 180_000);
      expect(after.statistics).toMatchObject({ version, reembedding: { finished: true } });
      const { rows: indexed } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Document" WHERE "ownerId" = $1 AND "vectorSeq" IS NOT NULL`, [ownerId]);
      expect(after.statistics!.reembedding.lists).toBe(indexed[0].n);
      expect((await maintenance.getJob(reembedJobId(ownerId, version)))?.name).toBe("reembed");
    } finally {
      await maintenance.close();
      redis.disconnect();
    }
  });
});
