/**
 * Find anything, on a stack of its own: search finds documents by words of their text (not only
 * title or summary), ranks the right manual page first for known queries, its matches point at
 * the query's words, another user's documents never appear (not even in the total), phrases,
 * exclusion and OR work, bad parameters are 400s, and the backfill indexes documents that existed
 * before search, shows its progress to the owner and resumes after its worker is killed.
 */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnStack, stopProcess, testRedisDatabase, type Stack } from "../harness";
import { api, createAccount, ProgressWatcher, signIn, upload, type UploadFile } from "./client";

interface SearchBody {
  results: { id: string; title: string; score: number; snippet: string; matches: [number, number][]; status: string }[];
  total: number;
  error?: string;
}

const PAGES = ["pg_restore", "pg_dump", "git-blame", "git-log", "tar", "gzip", "shuf", "sort", "tac", "cat"];

let stack: Stack;
let watcher: ProgressWatcher;
let close: () => Promise<void>;
let db: pg.Client;
const ids = new Map<string, string>(); // title -> id

function manualPage(name: string): UploadFile {
  const text = execFileSync("man", ["--nh", "--nj", name], { encoding: "utf8", env: { ...process.env, MANWIDTH: "100" }, stdio: ["ignore", "pipe", "ignore"] });
  return { name: `${name}.txt`, data: text, type: "text/plain" };
}

async function search(params: Record<string, string>, token?: string | null): Promise<{ status: number; body: SearchBody }> {
  const response = await api(stack.baseURL, `/api/search?${new URLSearchParams(params)}`, {}, token);
  return { status: response.status, body: (await response.json()) as SearchBody };
}

async function uploadAndWait(files: UploadFile[], token?: string): Promise<string[]> {
  const { status, body } = await upload(stack.baseURL, files, token);
  expect(status).toBe(202);
  const uploaded = body.documents!.map((d) => d.id);
  for (const doc of body.documents!) ids.set(doc.title, doc.id);
  if (token === undefined) {
    const final = await watcher.waitForFinal(uploaded);
    for (const [id, event] of final) expect(event.status, id).toBe("done");
  }
  return uploaded;
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000, everyMs = 250): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** A text about gardening in sixty sentences, one of which mentions `word`. */
function gardenText(word: string): string {
  const plants = ["roses", "tulips", "ferns", "mosses", "lilies", "daisies", "asters", "irises", "peonies", "poppies"];
  const acts = ["water", "prune", "feed", "repot", "shade", "mulch"];
  const lines = Array.from({ length: 60 }, (_, i) => `In week ${i + 1} we ${acts[i % acts.length]} the ${plants[i % plants.length]} and the ${plants[(i * 3 + 1) % plants.length]} by the wall.`);
  lines.splice(37, 0, `A small patch of ${word} grew by the pond where nobody looked.`);
  return `Garden diary\n\n${lines.join(" ")}\n`;
}

beforeAll(async () => {
  ({ stack, watcher, close } = await startOwnStack(
    "docsum_search",
    {
      // A Redis database of its own: another file's stack starting meanwhile empties the shared one.
      REDIS_URL: testRedisDatabase(14),
      SEARCH_BACKFILL_BATCH: "1",
      // A killed worker's jobs are taken over within seconds.
      WORKER_LOCK_DURATION_MS: "4000",
      WORKER_STALLED_INTERVAL_MS: "2000",
    },
    { watch: true },
  ));
  db = new pg.Client({ connectionString: stack.env.DATABASE_URL });
  await db.connect();
  await uploadAndWait([
    ...PAGES.map(manualPage),
    { name: "garden-diary.txt", data: gardenText("quillwort"), type: "text/plain" },
    { name: "kitchen-a.txt", data: "Copper kettle notes.\n\nThe copper kettle whistles in the red kitchen every morning. A lantern hangs above the stove.\n", type: "text/plain" },
    { name: "kitchen-b.txt", data: "Pipes and paint.\n\nThe red kitchen has old copper pipes and a kettle of another metal. The garden gate is green.\n", type: "text/plain" },
    { name: "orchard.txt", data: "Orchard walk.\n\nA violet orchard and a quiet meadow lie behind the farm, with apple trees in rows.\n", type: "text/plain" },
  ]);
}, 600_000);

afterAll(async () => {
  await db?.end();
  await close?.();
});

describe("search", () => {
  it("finds a document by a word of its text that neither its title nor its summary has, and marks the word", async () => {
    const garden = ids.get("garden-diary")!;
    const { rows } = await db.query<{ title: string; summary: string }>(`SELECT title, summary FROM "Document" WHERE id = $1`, [garden]);
    expect(`${rows[0].title} ${rows[0].summary}`.toLowerCase()).not.toContain("quillwort");
    for (const mode of ["hybrid", "text"]) {
      const { status, body } = await search({ q: "quillwort", mode });
      expect(status).toBe(200);
      expect(body.total, mode).toBe(1);
      expect(body.results[0]).toMatchObject({ id: garden, title: "garden-diary", status: "done" });
      const { snippet, matches } = body.results[0];
      expect(matches.map(([s, e]) => snippet.slice(s, e))).toEqual(["quillwort"]);
      expect(body.results[0].score).toBeGreaterThan(0);
      expect(body.results[0].score).toBeLessThanOrEqual(1);
    }
  });

  it("ranks the right manual page first for known queries, with matches that point at the query's words", async () => {
    const known = [
      { q: "restore a PostgreSQL database from an archive created by pg_dump", page: "pg_restore" },
      { q: "what revision and author last modified each line of a file", page: "git-blame" },
      { q: "generate random permutations", page: "shuf" },
      { q: "concatenate and print files in reverse", page: "tac" },
    ];
    for (const { q, page } of known) {
      for (const mode of ["hybrid", "text"]) {
        const { body } = await search({ q, mode });
        expect(body.results[0]?.title, `${mode}: ${q}`).toBe(page);
        // PostgreSQL splits words at punctuation and underscores too ("pg_dump" is "pg" and "dump").
        const words = q.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length >= 2);
        for (const result of body.results) {
          for (const [start, end] of result.matches) {
            expect(start).toBeGreaterThanOrEqual(0);
            expect(end).toBeLessThanOrEqual(result.snippet.length);
            const marked = result.snippet.slice(start, end).toLowerCase();
            // A marked word shares its stem with a query word ("restoring" for "restore").
            expect(words.some((w) => marked.startsWith(w.slice(0, 4)) || w.startsWith(marked.slice(0, 4))), `${marked} in "${q}"`).toBe(true);
          }
        }
      }
    }
    // Hybrid's first result is one of the semantic list's too: it comes with a score in 0..1 and results are ranked.
    const { body } = await search({ q: "restore a PostgreSQL database from an archive created by pg_dump", limit: "5" });
    expect(body.results.length).toBeLessThanOrEqual(5);
    const scores = body.results.map((r) => r.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it("answers by meaning alone in semantic mode, never beyond the owner's documents", async () => {
    const { status, body } = await search({ q: "restore a PostgreSQL database from an archive created by pg_dump", mode: "semantic" });
    expect(status).toBe(200);
    expect(body.results.length).toBeGreaterThan(0);
    expect(body.results.slice(0, 2).map((r) => r.title)).toContain("pg_restore");
    for (const result of body.results) expect([...ids.values()]).toContain(result.id);
  });

  it("reads quoted phrases, -exclusion and OR as web search does", async () => {
    const titles = async (q: string) => (await search({ q, mode: "text", limit: "50" })).body.results.map((r) => r.title).sort();
    expect(await titles("copper kettle")).toEqual(["kitchen-a", "kitchen-b"]);
    expect(await titles('"copper kettle"')).toEqual(["kitchen-a"]);
    expect(await titles("copper -lantern")).toEqual(["kitchen-b"]);
    expect(await titles("lantern OR orchard")).toEqual(["kitchen-a", "orchard"]);
    // The same in the default (hybrid) mode, as the search box asks: meaning brings no excluded document back.
    const hybrid = async (q: string) => (await search({ q, limit: "50" })).body.results.map((r) => r.title).sort();
    expect(await hybrid("copper -lantern")).toEqual(["kitchen-b"]);
    expect(await hybrid('"copper kettle"')).toEqual(["kitchen-a"]);
    const { body } = await search({ q: '"copper kettle"', mode: "text" });
    expect(body.total).toBe(1);
    const { snippet, matches } = body.results[0];
    expect(matches.map(([s, e]) => snippet.slice(s, e).toLowerCase())).toEqual(expect.arrayContaining(["copper", "kettle"]));
  });

  it("finds nothing, in every mode, for words the library holds nowhere", async () => {
    for (const mode of ["hybrid", "text", "semantic"]) {
      const { status, body } = await search({ q: "nothingmatchesthisatall zzzqqq", mode });
      expect(status).toBe(200);
      expect(body).toEqual({ results: [], total: 0 });
    }
  });

  it("never shows another user's documents, not even in the total", async () => {
    const other = await createAccount(stack.baseURL, `searcher-${randomUUID().slice(0, 8)}@example.com`);
    const [theirs] = await uploadAndWait([{ name: "their-garden.txt", data: gardenText("quillwort and zebrawood"), type: "text/plain" }], other.token);
    await waitUntil("the other user's document is indexed", async () => {
      const { rows } = await db.query(`SELECT 1 FROM "Document" WHERE id = $1 AND status = 'done'`, [theirs]);
      return rows.length === 1;
    }, 120_000);
    for (const mode of ["hybrid", "text", "semantic"]) {
      const mine = await search({ q: "quillwort", mode, limit: "50" });
      expect(mine.body.results.map((r) => r.id), mode).not.toContain(theirs);
      if (mode !== "semantic") expect(mine.body.total, mode).toBe(1);
      const only = await search({ q: "zebrawood", mode });
      expect(only.body.results, mode).toEqual([]);
      if (mode !== "semantic") expect(only.body.total, mode).toBe(0);
      const theirSearch = await search({ q: "zebrawood", mode }, other.token);
      if (mode !== "semantic") expect(theirSearch.body).toMatchObject({ total: 1, results: [{ id: theirs }] });
      expect(theirSearch.body.results.every((r) => r.id === theirs), mode).toBe(true);
    }
  });

  it("refuses bad parameters with a 400 and a message, and strangers with a 401", async () => {
    const bad = [{}, { q: "" }, { q: "   " }, { q: "x".repeat(501) }, { q: "tar", limit: "0" }, { q: "tar", limit: "51" }, { q: "tar", limit: "many" }, { q: "tar", limit: "2.5" }, { q: "tar", mode: "fuzzy" }];
    for (const params of bad) {
      const { status, body } = await search(params as Record<string, string>);
      expect(status, JSON.stringify(params)).toBe(400);
      expect(body.error, JSON.stringify(params)).toMatch(/\w/);
    }
    expect((await search({ q: "x".repeat(500), limit: "50" })).status).toBe(200);
    expect((await api(stack.baseURL, "/api/search?q=tar", {}, null)).status).toBe(401);
  });
});

describe("the search backfill", () => {
  it("indexes documents from before search, shows its progress to the owner, and resumes after its worker is killed", { timeout: 300_000 }, async () => {
    for (const worker of stack.workers) if (worker.exitCode === null) await stopProcess(worker);
    // Documents as they were before search: text, no passages, no search language.
    const owner = (await db.query<{ ownerId: string }>(`SELECT "ownerId" FROM "Document" WHERE id = $1`, [ids.get("tar")])).rows[0].ownerId;
    const texts = (await db.query<{ text: string }>(`SELECT text FROM "Document" WHERE title = ANY($1)`, [PAGES])).rows.map((row) => row.text);
    const count = 40;
    await db.query(
      `INSERT INTO "Document" (id, "ownerId", title, filename, "mimeType", size, sha256, "storageKey", status, stage, progress, text, "updatedAt", "finishedAt")
       SELECT gen_random_uuid(), $1, 'older ' || i, 'older-' || i || '.txt', 'text/plain', 1, 'older-' || i, 'older-' || i, 'done', 'similar', 100,
              ($2::text[])[1 + i % array_length($2::text[], 1)] || E'\\n\\nKept since long ago: heliotrope number ' || i || E'.\\n', now(), now()
       FROM generate_series(1, $3::int) AS i`,
      [owner, texts, count],
    );
    await db.query(`UPDATE "Document" SET "searchLanguage" = NULL WHERE title LIKE 'older %'`);
    await db.query(`DELETE FROM "Chunk" c USING "Document" d WHERE d.id = c."documentId" AND d.title LIKE 'older %'`);
    expect((await search({ q: "heliotrope", mode: "text" })).body.total).toBe(0);

    // A worker starts the backfill (one document per transaction) and is killed in the middle of it.
    const first = await stack.startWorker();
    let done = 0;
    await waitUntil("the backfill is under way", async () => {
      const { rows } = await db.query<{ done: number }>(`SELECT done FROM "SearchIndexing" WHERE "ownerId" = $1`, [owner]);
      done = rows[0]?.done ?? 0;
      return done >= 3;
    }, 120_000, 20);
    first.kill("SIGKILL");
    await new Promise((resolve) => first.once("exit", resolve));
    const { rows: [progress] } = await db.query<{ done: number; total: number; finishedAt: Date | null }>(`SELECT done, total, "finishedAt" FROM "SearchIndexing" WHERE "ownerId" = $1`, [owner]);
    expect(progress.total).toBe(count);
    expect(progress.done).toBeLessThan(count);
    expect(progress.finishedAt).toBeNull();
    // The owner sees how far it has come.
    const cookie = await signIn(stack.baseURL, stack.admin!.email, stack.admin!.password);
    const page = await (await fetch(`${stack.baseURL}/`, { headers: { cookie } })).text();
    expect(page).toMatch(/being indexed for search \(<!-- -->\d+<!-- --> of <!-- -->40<!-- --> documents\)|being indexed for search \(\d+ of 40 documents\)/);
    const partial = (await search({ q: "heliotrope", mode: "text", limit: "50" })).body.total;
    expect(partial).toBeGreaterThanOrEqual(progress.done);
    expect(partial).toBeLessThan(count);

    // Another worker takes the stalled job over and finishes what is left.
    await stack.startWorker();
    await waitUntil("the backfill is finished", async () => {
      const { rows } = await db.query<{ finishedAt: Date | null }>(`SELECT "finishedAt" FROM "SearchIndexing" WHERE "ownerId" = $1`, [owner]);
      return rows[0]?.finishedAt != null;
    }, 180_000);
    const { rows: [finished] } = await db.query<{ done: number; total: number }>(`SELECT done, total FROM "SearchIndexing" WHERE "ownerId" = $1`, [owner]);
    expect(finished.done).toBeGreaterThanOrEqual(count);
    const { body } = await search({ q: "heliotrope", mode: "text", limit: "50" });
    expect(body.total).toBe(count);
    expect(body.results).toHaveLength(count);
    for (const result of body.results) expect(result.snippet.toLowerCase()).toContain("heliotrope");
    const { rows: unindexed } = await db.query(`SELECT 1 FROM "Document" WHERE text IS NOT NULL AND "searchLanguage" IS NULL`);
    expect(unindexed).toHaveLength(0);
    const after = await (await fetch(`${stack.baseURL}/`, { headers: { cookie } })).text();
    expect(after).not.toContain("being indexed for search");
  });
});
