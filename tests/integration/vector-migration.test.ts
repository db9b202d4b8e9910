/**
 * The migration that moved embeddings from `double precision[]` to the `vector` bytes: rows
 * written before it get the bytes the app itself would write for the same embedding.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeVector } from "@/lib/ai/vector";
import { TEST_DATABASE_URL } from "../harness";

const MIGRATIONS_DIR = path.resolve(import.meta.dirname, "../../prisma/migrations");
const VECTOR_MIGRATION = "20261128150000_vector_bytes";
const DATABASE = `${new URL(TEST_DATABASE_URL).pathname.slice(1)}_vector_migration`;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A pseudo-random embedding of any scale, with negative values and a repeatable sequence. */
function embedding(seed: number, dimensions: number, scale: number): number[] {
  return Array.from({ length: dimensions }, (_, i) => Math.sin(seed * 7919 + i * 104729) * scale);
}

describe(`migration ${VECTOR_MIGRATION}`, () => {
  let db: pg.Client;

  beforeAll(async () => {
    await admin(async (client) => {
      await client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
      await client.query(`CREATE DATABASE ${DATABASE}`);
    });
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = `/${DATABASE}`;
    db = new pg.Client({ connectionString: url.toString() });
    await db.connect();
    // The schema as it was just before the migration.
    const names = (await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    for (const name of names.filter((n) => n < VECTOR_MIGRATION)) {
      await db.query(await readFile(path.join(MIGRATIONS_DIR, name, "migration.sql"), "utf8"));
    }
  });

  afterAll(async () => {
    await db?.end();
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`));
  });

  it("backfills every embedding as the bytes the embed stage writes, then drops the old column", async () => {
    const cases: { name: string; embedding: number[] | null }[] = [
      { name: "unit, 512", embedding: encodeVectorInput(1, 512, 1) },
      { name: "not unit, 1536", embedding: embedding(2, 1536, 37.5) },
      { name: "tiny values", embedding: embedding(3, 64, 1e-20) },
      { name: "one value", embedding: [-4] },
      { name: "all zeros", embedding: [0, 0, 0] },
      { name: "empty", embedding: [] },
      { name: "null", embedding: null },
    ];
    for (const [i, c] of cases.entries()) {
      await db.query(
        `INSERT INTO "Document" (id, "ownerId", title, filename, "mimeType", size, sha256, "storageKey", "embeddingModel", embedding, "updatedAt")
         VALUES (gen_random_uuid(), 'owner', $1, 'f.pdf', 'application/pdf', 1, $2, 'key', 'model', $3, now())`,
        [c.name, `sha-${i}`, c.embedding],
      );
    }
    await db.query(await readFile(path.join(MIGRATIONS_DIR, VECTOR_MIGRATION, "migration.sql"), "utf8"));

    const rows = (await db.query<{ title: string; vector: Buffer | null }>(`SELECT title, vector FROM "Document"`)).rows;
    const stored = new Map(rows.map((row) => [row.title, row.vector]));
    for (const c of cases) {
      const expected = c.embedding && c.embedding.length > 0 ? Buffer.from(encodeVector(c.embedding)) : null;
      expect(stored.get(c.name), c.name).toEqual(expected);
    }
    const columns = (await db.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'Document'`)).rows;
    expect(columns.map((c) => c.column_name)).not.toContain("embedding");
  });
});

/** A unit-length embedding, as the app stored them before (float8 values of a normalised mean). */
function encodeVectorInput(seed: number, dimensions: number, scale: number): number[] {
  const raw = embedding(seed, dimensions, scale);
  const norm = Math.sqrt(raw.reduce((sum, x) => sum + x * x, 0));
  return raw.map((x) => x / norm);
}
