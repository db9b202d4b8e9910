/**
 * pgvector where the server has the extension: the "embedding" column (made by the migration
 * only there), filled when a document enters the index, and one partial HNSW index per embedding
 * model (inner product on unit vectors, that is cosine), made the first time the model is seen.
 * The SQL runs through any client that takes a query with parameters, so it is tested in PGlite.
 */
import { createHash } from "node:crypto";
import type { Neighbour } from "./exact";
import type { IndexedDocument, VectorIndex } from "./vector-index";

/** The one thing the SQL needs: a query with $1-style parameters, answering rows. */
export interface SqlClient {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** pgvector's text form of a vector. */
export function vectorLiteral(vector: ArrayLike<number>): string {
  return `[${Array.from(vector, (x) => (Number.isFinite(x) ? x : 0)).join(",")}]`;
}

/** The partial index of a model's vectors: its name, and the statement that makes it. */
export function modelIndex(model: string, dimensions: number): { name: string; sql: string } {
  const name = `Document_embedding_${createHash("sha256").update(`${model}/${dimensions}`).digest("hex").slice(0, 16)}`;
  const literal = model.replace(/'/g, "''");
  return {
    name,
    sql: `CREATE INDEX CONCURRENTLY IF NOT EXISTS "${name}" ON "Document" USING hnsw (("embedding"::vector(${dimensions})) vector_ip_ops) WHERE "embeddingModel" = '${literal}'`,
  };
}

/** Whether the server's pgvector filters inside the index scan (0.8 and later); older ones stop after ef_search candidates. */
export async function iterativeScans(db: SqlClient): Promise<boolean> {
  const [row] = await db.query<{ version: string }>(`SELECT extversion AS version FROM pg_extension WHERE extname = 'vector'`);
  const [major, minor] = (row?.version ?? "0.0").split(".").map(Number);
  return major > 0 || minor >= 8;
}

/** Makes the model's partial index where it is missing (concurrently, so writes go on meanwhile; outside a transaction). */
export async function ensureModelIndex(db: SqlClient, model: string, dimensions: number): Promise<void> {
  await db.query(modelIndex(model, dimensions).sql);
}

/** Stores a document's vector in the embedding column. */
export async function storeEmbedding(db: SqlClient, id: string, vector: ArrayLike<number>): Promise<void> {
  await db.query(`UPDATE "Document" SET "embedding" = $2::vector WHERE "id" = $1::uuid`, [id, vectorLiteral(vector)]);
}

/**
 * The `k` nearest indexed documents of the owner and model through the model's HNSW index. The
 * owner filter runs inside the index scan (iterative scans, pgvector 0.8), so a small owner among
 * large ones still gets `k` answers. Call it in a transaction: the settings are local to it.
 */
export async function searchEmbeddings(db: SqlClient, document: IndexedDocument, k: number, efSearch: number): Promise<Neighbour[]> {
  const dimensions = document.vector.length;
  await db.query(`SELECT set_config('hnsw.ef_search', $1, true)`, [String(Math.max(efSearch, k + 1))]);
  if (await iterativeScans(db)) await db.query(`SELECT set_config('hnsw.iterative_scan', 'relaxed_order', true)`);
  const rows = await db.query<{ id: string; score: number }>(
    `SELECT "id", -(("embedding"::vector(${dimensions})) <#> $1::vector(${dimensions})) AS score
     FROM "Document"
     WHERE "embeddingModel" = $2 AND "ownerId" = $3 AND "vectorSeq" IS NOT NULL AND "id" <> $4::uuid
     ORDER BY ("embedding"::vector(${dimensions})) <#> $1::vector(${dimensions})
     LIMIT ${Math.max(1, Math.floor(k))}`,
    [vectorLiteral(document.vector), document.embeddingModel, document.ownerId, document.id],
  );
  return rows.map((row) => ({ id: row.id, score: Number(row.score) })).sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : 1));
}

type RawClient = { $queryRawUnsafe<T>(sql: string, ...params: unknown[]): Promise<T> };

function sql(db: RawClient): SqlClient {
  return { query: <T>(text: string, params: unknown[] = []) => db.$queryRawUnsafe<T[]>(text, ...params) };
}

/** pgvector as find-similar's index. */
export class PgvectorIndex implements VectorIndex {
  readonly kind = "pgvector";
  private readonly ready = new Set<string>();

  constructor(private readonly efSearch: number) {}

  async warm(db: RawClient, _ownerId: string, model: string, dimensions: number): Promise<void> {
    const key = `${model}/${dimensions}`;
    if (this.ready.has(key)) return;
    await ensureModelIndex(sql(db), model, dimensions);
    this.ready.add(key);
  }

  async size(db: RawClient, ownerId: string, model: string): Promise<number> {
    const [row] = await sql(db).query<{ count: number }>(
      `SELECT count(*)::int AS count FROM "Document" WHERE "ownerId" = $1 AND "embeddingModel" = $2 AND "vectorSeq" IS NOT NULL`,
      [ownerId, model],
    );
    return row?.count ?? 0;
  }

  search(tx: RawClient, document: IndexedDocument, k: number): Promise<Neighbour[]> {
    return searchEmbeddings(sql(tx), document, k, this.efSearch);
  }

  async enter(tx: RawClient, document: IndexedDocument): Promise<void> {
    await storeEmbedding(sql(tx), document.id, document.vector);
  }
}
