/**
 * pgvector's HNSW index for figure 4, where it exists: the bench PostgreSQL server when it has
 * the extension, else PGlite (Postgres in WebAssembly, in this process), which ships pgvector.
 */
import pg from "pg";
import { BENCH_DATABASE_URL } from "./stack";

export interface HnswResult {
  engine: string;
  /** Per query, at the default ef_search (40). */
  ms: number[];
  /** recall@k by ef_search. */
  recall: Record<string, number>;
  buildMs: number;
}

interface Rows {
  id: string;
  embedding: number[];
}

interface Db {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  close(): Promise<void>;
}

const literal = (vector: readonly number[]) => `[${vector.join(",")}]`;

/** A session with pgvector: the bench server's if it has the extension, else PGlite's. */
async function openWithVector(): Promise<{ engine: string; db: Db }> {
  const server = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await server.connect();
  const { rowCount } = await server.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`);
  if (rowCount) {
    await server.query("CREATE EXTENSION IF NOT EXISTS vector");
    return { engine: "the bench PostgreSQL server", db: { query: async <T>(sql: string, params?: unknown[]) => ({ rows: (await server.query(sql, params)).rows as T[] }), close: () => server.end() } };
  }
  await server.end();
  const { PGlite } = await import("@electric-sql/pglite");
  const { vector } = await import("@electric-sql/pglite/vector");
  const lite = await PGlite.create({ extensions: { vector } });
  await lite.exec("CREATE EXTENSION vector");
  return {
    engine: "PGlite (WebAssembly, in this process; the server has no pgvector)",
    db: { query: <T>(sql: string, params?: unknown[]) => lite.query<T>(sql, params), close: () => lite.close() },
  };
}

/** Builds an HNSW (cosine) index over `rows` and answers each query; time per query and recall@k against `exact`. */
export async function hnswRecall(rows: Rows[], queries: { id: string; vector: number[]; exact: string[] }[], k: number, dimensions: number): Promise<HnswResult> {
  const { engine, db } = await openWithVector();
  try {
    await db.query(`CREATE TEMP TABLE bench_hnsw (id uuid PRIMARY KEY, e vector(${dimensions}))`);
    for (let start = 0; start < rows.length; start += 1000) {
      const batch = rows.slice(start, start + 1000).map((row) => `('${row.id}', '${literal(row.embedding)}')`);
      await db.query(`INSERT INTO bench_hnsw VALUES ${batch.join(",")}`);
    }
    const buildStart = performance.now();
    await db.query("CREATE INDEX ON bench_hnsw USING hnsw (e vector_cosine_ops)");
    const buildMs = performance.now() - buildStart;
    const recall: Record<string, number> = {};
    let ms: number[] = [];
    for (const ef of [40, 200]) {
      await db.query(`SET hnsw.ef_search = ${ef}`);
      const times: number[] = [];
      let found = 0;
      for (const q of queries) {
        const start = performance.now();
        const answer = await db.query<{ id: string }>(`SELECT id FROM bench_hnsw WHERE id <> $2 ORDER BY e <=> $1 LIMIT ${k}`, [literal(q.vector), q.id]);
        times.push(performance.now() - start);
        found += answer.rows.filter((row) => q.exact.includes(row.id)).length;
      }
      recall[`efSearch${ef}`] = found / (queries.length * k);
      if (ef === 40) ms = times;
    }
    return { engine: `${engine}; m=16, ef_construction=64 (defaults)`, ms, recall, buildMs };
  } finally {
    await db.close();
  }
}
