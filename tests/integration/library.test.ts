/**
 * The library a page at a time: keyset pages in every sort and filter, stable under documents
 * created and deleted between pages; bulk actions with an outcome per id; the text in slices.
 */
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { DocumentListItem } from "@/lib/document-types";
import { api, createAccount, getDocument, listDocuments, listPage, ProgressWatcher, upload } from "./client";

const baseURL = inject("baseURL");
const stackEnv = inject("stackEnv");

const STATUSES = ["queued", "processing", "done", "failed", "cancelled"] as const;
const TYPES = [
  ["application/pdf", "pdf"],
  ["text/plain", "text"],
  ["text/markdown", "markdown"],
  ["text/html", "html"],
] as const;

let db: pg.Client;
let reader: { id: string; token: string };

/**
 * 230 rows in the real table, with ties in every sort key (so the id must break them). Their
 * `updatedAt` lies ahead, so the reconciler never takes the queued and processing ones for stuck
 * documents (they have no file) and moves them while the test counts them.
 */
async function insertLibrary(ownerId: string): Promise<void> {
  const base = Date.parse("2026-06-01T00:00:00Z");
  for (let i = 0; i < 230; i++) {
    const [mimeType] = TYPES[i % TYPES.length];
    await db.query(
      `INSERT INTO "Document" ("id", "ownerId", "title", "filename", "mimeType", "size", "sha256", "storageKey", "status", "stage", "progress", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::"DocumentStatus", 'similar', 100, $10, now() + interval '1 day')`,
      [
        randomUUID(),
        ownerId,
        `Report ${String(i % 37).padStart(2, "0")}`,
        `report-${i}.txt`,
        mimeType,
        1000 + (i % 23) * 10,
        randomUUID().replace(/-/g, ""),
        randomUUID(),
        STATUSES[i % STATUSES.length],
        new Date(base + Math.floor(i / 3) * 60_000),
      ],
    );
  }
}

/** Every page of a query with `limit=50`, checking each page's size and `total`. */
async function walk(params: Record<string, string>, expectedTotal: number): Promise<DocumentListItem[]> {
  const seen: DocumentListItem[] = [];
  let cursor: string | null = null;
  do {
    const page = await listPage(baseURL, { ...params, limit: "50", ...(cursor ? { cursor } : {}) }, reader.token);
    expect(page.total).toBe(expectedTotal);
    expect(page.documents.length).toBeLessThanOrEqual(50);
    seen.push(...page.documents);
    cursor = page.nextCursor;
  } while (cursor);
  return seen;
}

type Compare = (a: DocumentListItem, b: DocumentListItem) => number;
const byId: Compare = (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const ORDERS: Record<string, Compare> = {
  newest: (a, b) => b.createdAt.localeCompare(a.createdAt) || -byId(a, b),
  oldest: (a, b) => a.createdAt.localeCompare(b.createdAt) || byId(a, b),
  size: (a, b) => b.size - a.size || -byId(a, b),
};

beforeAll(async () => {
  db = new pg.Client({ connectionString: stackEnv.DATABASE_URL });
  await db.connect();
  reader = await createAccount(baseURL, `library-${randomUUID()}@example.com`);
  await insertLibrary(reader.id);
});

afterAll(async () => {
  await db?.end();
});

describe("paging", () => {
  it("walks 230 documents in pages of 50, each exactly once and in order, for every sort", async () => {
    for (const sort of ["newest", "oldest", "title", "size"]) {
      const seen = await walk({ sort }, 230);
      expect(new Set(seen.map((d) => d.id)).size, sort).toBe(230);
      if (ORDERS[sort]) expect(seen.map((d) => d.id), sort).toEqual([...seen].sort(ORDERS[sort]).map((d) => d.id));
      else {
        // Titles in the database's collation: non-decreasing among equal-width titles, ids breaking ties.
        for (let i = 1; i < seen.length; i++) {
          const [a, b] = [seen[i - 1], seen[i]];
          expect(a.title <= b.title, `${a.title} then ${b.title}`).toBe(true);
          if (a.title === b.title) expect(a.id < b.id).toBe(true);
        }
      }
    }
  });

  it("filters by status, active and type, with totals that count only the matches", async () => {
    for (const status of STATUSES) {
      const seen = await walk({ status }, 46);
      expect(seen.every((d) => d.status === status), status).toBe(true);
    }
    const active = await walk({ status: "active", sort: "title" }, 92);
    expect(active.every((d) => d.status === "queued" || d.status === "processing")).toBe(true);
    for (const [mimeType, type] of TYPES) {
      const seen = await walk({ type, sort: "oldest" }, type === "pdf" || type === "text" ? 58 : 57);
      expect(seen.every((d) => d.mimeType === mimeType), type).toBe(true);
    }
    const both = await walk({ type: "pdf", status: "done" }, 11);
    expect(both.every((d) => d.mimeType === "application/pdf" && d.status === "done")).toBe(true);
  });

  it("shifts nothing when documents are created and deleted between pages", async () => {
    const first = await listPage(baseURL, { limit: "50", sort: "oldest" }, reader.token);
    // A new document (newest, so last in this order) and the deletion of one already seen.
    const { status, body } = await upload(baseURL, [{ name: `between-${randomUUID()}.txt`, data: `Written between two pages ${randomUUID()}.` }], reader.token);
    expect(status).toBe(202);
    const created = body.documents![0].id;
    const removed = first.documents[10].id;
    await db.query(`DELETE FROM "Document" WHERE "id" = $1`, [removed]);
    const second = await listPage(baseURL, { limit: "50", sort: "oldest", cursor: first.nextCursor! }, reader.token);
    const all = await listDocuments(baseURL, reader.token, { sort: "oldest" });
    const withoutRemoved = all.map((d) => d.id);
    // Page two is exactly what follows page one's last document in today's list.
    const after = withoutRemoved.indexOf(first.documents.at(-1)!.id);
    expect(second.documents.map((d) => d.id)).toEqual(withoutRemoved.slice(after + 1, after + 51));
    expect(withoutRemoved).toContain(created);
    expect(withoutRemoved).not.toContain(removed);
    expect(second.total).toBe(230);
  });

  it("keeps its totals through statements that insert and delete many documents at once", async () => {
    const owner = await createAccount(baseURL, `library-bulk-${randomUUID()}@example.com`);
    const total = async (status?: string) => (await listPage(baseURL, { limit: "1", ...(status ? { status } : {}) }, owner.token)).total;
    await db.query(
      `INSERT INTO "Document" ("id", "ownerId", "title", "filename", "mimeType", "size", "sha256", "storageKey", "status", "stage", "progress", "updatedAt")
       SELECT gen_random_uuid(), $1, 'Bulk ' || i, 'bulk-' || i || '.txt', 'text/plain', 100, md5($1 || i), 'bulk-' || i,
              (CASE WHEN i % 3 = 0 THEN 'failed' ELSE 'done' END)::"DocumentStatus", 'similar', 100, now()
       FROM generate_series(1, 300) AS i`,
      [owner.id],
    );
    expect([await total(), await total("done"), await total("failed")]).toEqual([300, 200, 100]);
    await db.query(`DELETE FROM "Document" WHERE "ownerId" = $1 AND "title" IN (SELECT 'Bulk ' || i FROM generate_series(1, 150) AS i)`, [owner.id]);
    expect([await total(), await total("done"), await total("failed")]).toEqual([150, 100, 50]);
  });

  it("refuses a malformed cursor, limit, sort, status or type with a 400 naming it", async () => {
    const first = await listPage(baseURL, { limit: "5", sort: "newest" }, reader.token);
    const cases: [Record<string, string>, string][] = [
      [{ cursor: "not-a-cursor" }, "cursor"],
      [{ cursor: Buffer.from(JSON.stringify({ s: "newest", v: 1, i: "x" })).toString("base64url") }, "cursor"],
      // A cursor of one sort used with another.
      [{ cursor: first.nextCursor!, sort: "title" }, "cursor"],
      [{ limit: "0" }, "limit"],
      [{ limit: "201" }, "limit"],
      [{ limit: "ten" }, "limit"],
      [{ sort: "evil" }, "sort"],
      [{ status: "deleted-ish" }, "status"],
      [{ type: "exe" }, "type"],
      [{ unknown: "1" }, "unknown"],
    ];
    for (const [params, name] of cases) {
      const response = await api(baseURL, `/api/documents?${new URLSearchParams(params)}`, {}, reader.token);
      expect({ params, status: response.status }).toEqual({ params, status: 400 });
      expect(((await response.json()) as { error: string }).error, JSON.stringify(params)).toContain(name);
    }
  });

  it("never shows another owner's documents, not even in the total", async () => {
    const other = await createAccount(baseURL, `library-other-${randomUUID()}@example.com`);
    const page = await listPage(baseURL, { limit: "200" }, other.token);
    expect(page).toEqual({ documents: [], nextCursor: null, total: 0 });
  });
});

describe("bulk actions", () => {
  async function bulk(body: unknown, token = reader.token) {
    const response = await api(baseURL, "/api/documents/actions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, token);
    return { status: response.status, body: (await response.json()) as { results?: { id: string; ok: boolean; status?: number; error?: string }[]; error?: string } };
  }

  it("answers each id on its own: own, foreign, unknown, done and failed ids", async () => {
    const watcher = await ProgressWatcher.connect(baseURL, reader.token);
    try {
      const good = `Bulk ${randomUUID()}. The quarterly plan covers the storage migration and the release schedule.`;
      const uploaded = await upload(baseURL, [
        { name: `bulk-done-${randomUUID()}.txt`, data: good },
        { name: `bulk-empty-${randomUUID()}.txt`, data: "" },
      ], reader.token);
      const [done, failed] = uploaded.body.documents!.map((d) => d.id);
      const final = await watcher.waitForFinal([done, failed]);
      expect(final.get(done)?.status).toBe("done");
      expect(final.get(failed)?.status).toBe("failed");
      const foreign = (await upload(baseURL, [{ name: `foreign-${randomUUID()}.txt`, data: `Someone else's ${randomUUID()}.` }])).body.documents![0].id;
      const unknown = randomUUID();

      const retried = await bulk({ action: "retry", ids: [failed, done, foreign, unknown, "not-an-id"] });
      expect(retried.status).toBe(200);
      expect(retried.body.results!.map(({ id, ok, status }) => ({ id, ok, status }))).toEqual([
        { id: failed, ok: true, status: undefined },
        { id: done, ok: false, status: 409 },
        { id: foreign, ok: false, status: 404 },
        { id: unknown, ok: false, status: 404 },
        { id: "not-an-id", ok: false, status: 404 },
      ]);
      expect(retried.body.results![1].error).toMatch(/failed or cancelled/);
      // The foreign id answers exactly like an unknown one.
      expect(retried.body.results![2].error).toBe(retried.body.results![3].error);
      await watcher.waitForFinal([failed]);

      const deleted = await bulk({ action: "delete", ids: [done, failed, foreign] });
      expect(deleted.body.results!.map((r) => [r.ok, r.status])).toEqual([[true, undefined], [true, undefined], [false, 404]]);
      expect((await getDocument(baseURL, done, reader.token)).status).toBe(404);
      expect((await getDocument(baseURL, foreign)).status).toBe(200);
      // The totals the database keeps through every insert, status change and delete match a count.
      // (Polled: the document uploaded between pages above may still be moving through its stages.)
      for (const status of [undefined, "done", "failed", "active"]) {
        const compare = async () => {
          const counted = await db.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM "Document" WHERE "ownerId" = $1 AND ($2::text IS NULL OR "status"::text = $2 OR ($2 = 'active' AND "status" IN ('queued', 'processing')))`,
            [reader.id, status ?? null],
          );
          const page = await listPage(baseURL, { limit: "1", ...(status ? { status } : {}) }, reader.token);
          return { status, total: page.total, counted: counted.rows[0].n };
        };
        await expect.poll(async () => { const c = await compare(); return c.total - c.counted; }, { timeout: 15_000 }).toBe(0);
      }
    } finally {
      watcher.close();
    }
  });

  it("refuses a malformed body: an unknown action, no ids, or more than 1,000", async () => {
    expect((await bulk({ action: "explode", ids: [randomUUID()] })).status).toBe(400);
    expect((await bulk({ action: "delete", ids: [] })).status).toBe(400);
    const tooMany = await bulk({ action: "delete", ids: Array.from({ length: 1001 }, () => randomUUID()) });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error).toContain("1000");
    expect((await bulk({ action: "delete", ids: Array.from({ length: 1000 }, () => randomUUID()) })).status).toBe(200);
  });
});

describe("extracted text", () => {
  it("answers the text in slices that put it back together, and 404 for another owner", async () => {
    const watcher = await ProgressWatcher.connect(baseURL, reader.token);
    try {
      const text = `Slices ${randomUUID()}. ` + Array.from({ length: 400 }, (_, i) => `Sentence ${i} of the long note, with ünïcödé and 😀 in it.`).join(" ");
      const id = (await upload(baseURL, [{ name: `slices-${randomUUID()}.txt`, data: text }], reader.token)).body.documents![0].id;
      expect((await watcher.waitForFinal([id])).get(id)?.status).toBe("done");
      const slice = async (offset: number, length: number) =>
        (await (await api(baseURL, `/api/documents/${id}/text?offset=${offset}&length=${length}`, {}, reader.token)).json()) as { text: string; offset: number; total: number };
      const whole = await slice(0, 200_000);
      expect(whole.offset).toBe(0);
      expect(whole.text).toContain("Sentence 399 of the long note, with ünïcödé and 😀 in it.");
      expect(whole.total).toBe(Array.from(whole.text).length);
      let joined = "";
      for (let offset = 0; offset < whole.total; offset += 1000) {
        const part = await slice(offset, 1000);
        expect(part).toMatchObject({ offset, total: whole.total });
        joined += part.text;
      }
      expect(joined).toBe(whole.text);
      expect((await api(baseURL, `/api/documents/${id}/text`, {})).status).toBe(404);
      expect((await api(baseURL, `/api/documents/${id}/text?length=0`, {}, reader.token)).status).toBe(400);
      expect((await api(baseURL, `/api/documents/${id}/text?offset=-1`, {}, reader.token)).status).toBe(400);
    } finally {
      watcher.close();
    }
  });
});
