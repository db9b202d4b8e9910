/**
 * The embedded vector index as a per-process cache per owner and embedding model, built from the
 * vectors in PostgreSQL and brought up to date before each query from the monotonic vector_seq:
 * documents whose vectorSeq is past the last one applied are (re)read, tombstones past it removed.
 * Every change to an owner's indexed vectors takes its sequence value under the owner's advisory
 * lock, so the values committed are always a prefix, and every process on every machine answers
 * the same. A file under the data folder only speeds up start-up: it is checked against the
 * database, and losing it loses nothing.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { decodeVector } from "@/lib/ai/vector";
import type { Prisma } from "@/lib/generated/prisma/client";
import { EmbeddedIndex, type EmbeddedIndexOptions } from "./embedded";
import type { Neighbour } from "./exact";
import type { IndexedDocument, VectorIndex } from "./vector-index";
import { yieldToEventLoop } from "../yield";

type Db = Pick<Prisma.TransactionClient, "$queryRaw">;

export interface CacheOptions extends Omit<EmbeddedIndexOptions, "dimensions"> {
  /** Where graphs are written to speed up the next start; null writes none. */
  directory: string | null;
  /** A graph is written again after this many changes. */
  writeEvery?: number;
}

/** Rows read per query while building. */
const PAGE = 50_000;

interface Entry {
  index: EmbeddedIndex;
  changesSinceWrite: number;
}

export class EmbeddedVectorIndex implements VectorIndex {
  readonly kind = "embedded";
  private readonly entries = new Map<string, Promise<Entry>>();

  constructor(private readonly options: CacheOptions) {}

  async warm(db: Db, ownerId: string, model: string, dimensions: number): Promise<void> {
    await this.entry(db, ownerId, model, dimensions);
  }

  async search(tx: Db, document: IndexedDocument, k: number): Promise<Neighbour[]> {
    const entry = await this.entry(tx, document.ownerId, document.embeddingModel, document.vector.length);
    await this.catchUp(tx, document.ownerId, document.embeddingModel, entry);
    return entry.index.search(document.vector, k, document.id);
  }

  /** The vector is already in the row; taking the sequence value is what enters it (see refreshSimilar). */
  async enter(): Promise<void> {}

  /** Forgets every cached index (as a restarted process would). */
  clear(): void {
    this.entries.clear();
  }

  /** The cached index of an owner and model as it stands, not brought up to date (for measurements); undefined when none is cached. */
  async cached(ownerId: string, model: string): Promise<EmbeddedIndex | undefined> {
    return (await this.entries.get(key(ownerId, model)))?.index;
  }

  async size(_db: Db, ownerId: string, model: string): Promise<number> {
    const entry = this.entries.get(key(ownerId, model));
    return entry ? (await entry).index.size : 0;
  }

  private entry(db: Db, ownerId: string, model: string, dimensions: number): Promise<Entry> {
    const id = key(ownerId, model);
    let entry = this.entries.get(id);
    if (!entry) {
      entry = this.open(db, ownerId, model, dimensions);
      this.entries.set(id, entry);
      entry.catch(() => this.entries.delete(id));
    }
    return entry;
  }

  private async open(db: Db, ownerId: string, model: string, dimensions: number): Promise<Entry> {
    const fromFile = await this.readFile(db, ownerId, model, dimensions);
    if (fromFile) return fromFile;
    const index = await this.build(db, ownerId, model, dimensions);
    const entry = { index, changesSinceWrite: 0 };
    await this.writeFile(ownerId, model, entry);
    return entry;
  }

  /** Reads the owner's indexed vectors of the model, up to the sequence value committed when the build began. */
  private async build(db: Db, ownerId: string, model: string, dimensions: number): Promise<EmbeddedIndex> {
    const index = new EmbeddedIndex({ ...this.options, dimensions });
    const [{ bound }] = await db.$queryRaw<{ bound: bigint | null }[]>`
      SELECT GREATEST((SELECT max("vectorSeq") FROM "Document" WHERE "ownerId" = ${ownerId}),
                      (SELECT max("seq") FROM "VectorTombstone" WHERE "ownerId" = ${ownerId})) AS bound`;
    if (bound === null) return index;
    let cursor = 0n;
    for (;;) {
      const rows = await db.$queryRaw<{ id: string; vector: Uint8Array; seq: bigint }[]>`
        SELECT "id", "vector", "vectorSeq" AS seq FROM "Document"
        WHERE "ownerId" = ${ownerId} AND "vectorSeq" > ${cursor} AND "vectorSeq" <= ${bound} AND "embeddingModel" = ${model}
        ORDER BY "vectorSeq" LIMIT ${PAGE}`;
      for (const [i, row] of rows.entries()) {
        index.upsert(row.id, decodeVector(row.vector));
        // Inserting into the graph is CPU work: the worker's other jobs (and their lock renewals) run meanwhile.
        if (i % 500 === 499) await yieldToEventLoop();
      }
      if (rows.length < PAGE) break;
      cursor = rows[rows.length - 1].seq;
    }
    index.lastSeq = bound;
    return index;
  }

  /** Applies what changed since the index's last sequence value: call it holding the owner's lock. */
  private async catchUp(db: Db, ownerId: string, model: string, entry: Entry): Promise<void> {
    const { index } = entry;
    const changes = await db.$queryRaw<{ id: string; model: string | null; vector: Uint8Array | null; seq: bigint }[]>`
      SELECT "id", "embeddingModel" AS model, "vector", "vectorSeq" AS seq FROM "Document"
      WHERE "ownerId" = ${ownerId} AND "vectorSeq" > ${index.lastSeq}
      UNION ALL
      SELECT "documentId", NULL, NULL, "seq" FROM "VectorTombstone" WHERE "ownerId" = ${ownerId} AND "seq" > ${index.lastSeq}
      ORDER BY seq`;
    for (const change of changes) {
      if (change.model === model && change.vector) index.upsert(change.id, decodeVector(change.vector));
      else index.remove(change.id);
      if (change.seq > index.lastSeq) index.lastSeq = change.seq;
    }
    entry.changesSinceWrite += changes.length;
    if (entry.changesSinceWrite >= (this.options.writeEvery ?? 10_000)) await this.writeFile(ownerId, model, entry);
  }

  private files(ownerId: string, model: string): { graph: string; sidecar: string } | null {
    if (!this.options.directory) return null;
    const name = createHash("sha256").update(key(ownerId, model)).digest("hex").slice(0, 32);
    return { graph: path.join(this.options.directory, `${name}.hnsw`), sidecar: path.join(this.options.directory, `${name}.json`) };
  }

  /** Writes the graph and its sidecar (a temporary name, then renamed, so a reader never sees half a file). */
  private async writeFile(ownerId: string, model: string, entry: Entry): Promise<void> {
    const files = this.files(ownerId, model);
    entry.changesSinceWrite = 0;
    if (!files || !entry.index.approximate) return;
    await mkdir(path.dirname(files.graph), { recursive: true });
    const part = `.${process.pid}.part`;
    if (!(await entry.index.writeGraph(files.graph + part))) return;
    await writeFile(files.sidecar + part, JSON.stringify({ ownerId, model, ...entry.index.snapshot() }));
    await rename(files.graph + part, files.graph);
    await rename(files.sidecar + part, files.sidecar);
  }

  /** The index from its file, brought up to date and checked against the database; null when there is none or it does not match. */
  private async readFile(db: Db, ownerId: string, model: string, dimensions: number): Promise<Entry | null> {
    const files = this.files(ownerId, model);
    if (!files) return null;
    try {
      const sidecar = JSON.parse(await readFile(files.sidecar, "utf8")) as { ownerId: string; model: string; ids: string[]; lastSeq: string };
      if (sidecar.ownerId !== ownerId || sidecar.model !== model) return null;
      const index = await EmbeddedIndex.readGraph({ ...this.options, dimensions }, files.graph, sidecar);
      const entry = { index, changesSinceWrite: 0 };
      await this.catchUp(db, ownerId, model, entry);
      const [{ count }] = await db.$queryRaw<{ count: number }[]>`
        SELECT count(*)::int AS count FROM "Document" WHERE "ownerId" = ${ownerId} AND "embeddingModel" = ${model} AND "vectorSeq" IS NOT NULL`;
      if (count === index.size) return entry;
    } catch {
      // Missing, unreadable or from another database: rebuilt from PostgreSQL.
    }
    await Promise.all([rm(files.graph, { force: true }), rm(files.sidecar, { force: true })]);
    return null;
  }
}

function key(ownerId: string, model: string): string {
  return `${ownerId}\u0000${model}`;
}
