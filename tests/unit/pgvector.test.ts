/**
 * The pgvector SQL of the vector index, run in PGlite (PostgreSQL in WebAssembly, with pgvector)
 * on one connection: the partial HNSW index per model, storing vectors, and the nearest of one
 * owner's documents of one model.
 */
import { PGlite } from "@electric-sql/pglite";
import { vector } from "@electric-sql/pglite/vector";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeVector, encodeVector } from "@/lib/ai/vector";
import { nearest } from "@/lib/similarity/index/exact";
import { ensureModelIndex, modelIndex, searchEmbeddings, storeEmbedding, type SqlClient } from "@/lib/similarity/index/pgvector";

const DIMENSIONS = 8;
let lite: PGlite;
let db: SqlClient;

function uuid(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

let seed = 11;
function unit(): Float32Array {
  return decodeVector(
    encodeVector(
      Array.from({ length: DIMENSIONS }, () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648 - 0.5;
      }),
    ),
  );
}

const vectors = new Map<string, Float32Array>();

beforeAll(async () => {
  lite = await PGlite.create({ extensions: { vector } });
  db = { query: async <T>(sql: string, params?: unknown[]) => (await lite.query<T>(sql, params)).rows };
  await lite.exec(`CREATE EXTENSION vector;
    CREATE TABLE "Document" ("id" uuid PRIMARY KEY, "ownerId" text NOT NULL, "embeddingModel" text, "vectorSeq" bigint, "embedding" vector)`);
  // Two owners and two models; only owner "a"'s documents of model "m1" with a sequence value count.
  for (let i = 0; i < 120; i++) {
    const owner = i % 3 === 0 ? "b" : "a";
    const model = i % 5 === 0 ? "m2" : "m1";
    await db.query(`INSERT INTO "Document" VALUES ($1, $2, $3, $4, NULL)`, [uuid(i), owner, model, i % 7 === 0 ? null : i]);
    const v = unit();
    vectors.set(uuid(i), v);
    await storeEmbedding(db, uuid(i), v);
  }
  await ensureModelIndex(db, "m1", DIMENSIONS);
  await ensureModelIndex(db, "m1", DIMENSIONS);
}, 60_000);

afterAll(async () => {
  await lite?.close();
});

describe("pgvector", () => {
  it("makes one partial index per model, once", async () => {
    const rows = await db.query<{ indexname: string; indexdef: string }>(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'Document' AND indexdef LIKE '%hnsw%'`);
    expect(rows.map((row) => row.indexname)).toEqual([modelIndex("m1", DIMENSIONS).name]);
    expect(rows[0].indexdef).toContain(`WHERE ("embeddingModel" = 'm1'::text)`);
  });

  it("answers the nearest of the owner's indexed documents of the model, best first, without the document", async () => {
    const candidates = [...vectors.keys()].filter((id, i) => i % 3 !== 0 && i % 5 !== 0 && i % 7 !== 0);
    for (const queryId of candidates.slice(0, 10)) {
      const others = candidates.filter((id) => id !== queryId);
      const matrix = new Float32Array(others.length * DIMENSIONS);
      others.forEach((id, i) => matrix.set(vectors.get(id)!, i * DIMENSIONS));
      const exact = nearest(vectors.get(queryId)!, others, matrix, 5);
      const found = await lite.transaction(async (tx) =>
        searchEmbeddings({ query: async <T>(sql: string, params?: unknown[]) => (await tx.query<T>(sql, params)).rows }, { id: queryId, ownerId: "a", embeddingModel: "m1", vector: vectors.get(queryId)! }, 5, 100),
      );
      expect(found.map((n) => n.id)).toEqual(exact.map((n) => n.id));
      found.forEach((n, i) => expect(n.score).toBeCloseTo(exact[i].score, 5));
    }
  });
});
