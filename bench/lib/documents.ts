/** The documents the benchmarks send, and reading the bench database directly. */
import { readdir, readFile } from "node:fs/promises";
import pg from "pg";
import { FIXTURES_DIR, fixturePath } from "../../tests/fixtures";
import { BENCH_DATABASE_URL } from "./stack";

/** Paths of the fixture PDFs (the real documents of ../shared/fixtures/documents). */
export async function fixturePdfs(): Promise<string[]> {
  return (await readdir(FIXTURES_DIR)).filter((name) => name.endsWith(".pdf")).sort().map(fixturePath);
}

/** Reads files into memory as upload parts. */
export async function readParts(paths: string[]): Promise<{ name: string; data: Uint8Array }[]> {
  return Promise.all(paths.map(async (p) => ({ name: p.split("/").pop()!, data: await readFile(p) })));
}

/** Runs one query against the bench database with a short-lived client. */
export async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** How many of the bench database's documents are in each status. */
export async function statusCounts(): Promise<Record<string, number>> {
  const rows = await query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM "Document" GROUP BY status`);
  return Object.fromEntries(rows.map((row) => [row.status, row.n]));
}
