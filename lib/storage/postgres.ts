/**
 * The `postgres` driver: file contents in PostgreSQL, in 1 MiB chunks of a `StoredFileChunk`
 * table under one `StoredFile` row per key (see prisma/schema.prisma). A put is one transaction,
 * so a file appears whole or not at all, and an interrupted put leaves nothing behind. Streams
 * go a chunk at a time in both directions, on a connection pool of the driver's own.
 */
import pg from "pg";
import { Readable } from "node:stream";
import { verify, withTemporaryCopy, measuring } from "./streams";
import { parseKey, StorageObjectMissingError, type FileStorage } from "./types";

/** Bytes per stored chunk. */
export const CHUNK_BYTES = 1024 * 1024;
const LIST_PAGE = 1000;

/** Splits a stream into chunks of exactly CHUNK_BYTES (the last one shorter). */
async function* rechunk(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let length = 0;
  for await (const chunk of source) {
    let rest = chunk;
    while (length + rest.length >= CHUNK_BYTES) {
      const take = CHUNK_BYTES - length;
      yield Buffer.concat([...parts, rest.subarray(0, take)]);
      rest = rest.subarray(take);
      parts = [];
      length = 0;
    }
    if (rest.length > 0) {
      parts.push(rest);
      length += rest.length;
    }
  }
  if (length > 0) yield Buffer.concat(parts);
}

export function createPostgresStorage({ databaseUrl, poolSize = 8 }: { databaseUrl: string; poolSize?: number }): FileStorage {
  const url = new URL(databaseUrl);
  const location = `${url.host}${url.pathname}`;
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle client's error (the server restarted) must not end the process; the pool replaces it.
  pool.on("error", () => undefined);
  const missing = (key: string) => new StorageObjectMissingError("postgres", key, location);

  async function size(key: string): Promise<number | undefined> {
    parseKey(key);
    const { rows } = await pool.query<{ size: string }>(`SELECT size FROM "StoredFile" WHERE key = $1`, [key]);
    return rows[0] ? Number(rows[0].size) : undefined;
  }

  async function open(key: string): Promise<Readable> {
    const expected = await size(key);
    if (expected === undefined) throw missing(key);
    async function* chunks() {
      let read = 0;
      for (let seq = 0; read < expected!; seq++) {
        const { rows } = await pool.query<{ data: Buffer }>(`SELECT data FROM "StoredFileChunk" WHERE key = $1 AND seq = $2`, [key, seq]);
        if (!rows[0]) break;
        read += rows[0].data.length;
        yield rows[0].data;
      }
      if (read !== expected) throw new Error(`Object "${key}" in postgres storage changed or lost chunks while it was read (${read} of ${expected} bytes)`);
    }
    return Readable.from(chunks(), { objectMode: false, highWaterMark: CHUNK_BYTES });
  }

  return {
    driver: "postgres",
    location,

    async put(key, source, expected) {
      const { base, derived } = parseKey(key);
      const measure = measuring(source);
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await client.query(`DELETE FROM "StoredFile" WHERE key = $1`, [key]);
        await client.query(`INSERT INTO "StoredFile" (key, "parentKey", size, sha256) VALUES ($1, $2, 0, '')`, [key, derived === undefined ? null : base]);
        let seq = 0;
        for await (const chunk of rechunk(measure.stream)) {
          await client.query(`INSERT INTO "StoredFileChunk" (key, seq, data) VALUES ($1, $2, $3)`, [key, seq++, chunk]);
        }
        const stored = measure.result();
        verify(key, expected, stored);
        await client.query(`UPDATE "StoredFile" SET size = $2, sha256 = $3 WHERE key = $1`, [key, stored.size, stored.sha256]);
        await client.query("COMMIT");
        return stored;
      } catch (error) {
        measure.stream.destroy();
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },

    get: open,

    async withLocalFile(key, fn) {
      return withTemporaryCopy(await open(key), fn);
    },

    async remove(key) {
      parseKey(key);
      await pool.query(`DELETE FROM "StoredFile" WHERE key = $1 OR "parentKey" = $1`, [key]);
    },

    async exists(key) {
      return (await size(key)) !== undefined;
    },

    async *listOlderThan(time) {
      let after = "";
      for (;;) {
        const { rows } = await pool.query<{ key: string }>(
          `SELECT key FROM "StoredFile" WHERE "createdAt" < $1 AND key > $2 ORDER BY key LIMIT ${LIST_PAGE}`,
          [time, after],
        );
        for (const row of rows) yield row.key;
        if (rows.length < LIST_PAGE) return;
        after = rows[rows.length - 1].key;
      }
    },

    // Writes here are all-or-nothing (a transaction, a multipart upload): nothing is left over.
    async removeLeftovers() {
      return [];
    },

    async check() {
      await pool.query(`SELECT 1 FROM "StoredFile" LIMIT 1`);
    },

    async close() {
      await pool.end();
    },
  };
}
