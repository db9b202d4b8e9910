/**
 * An owner's library statistics in the database, versioned, so that every worker weighs terms
 * the same: document frequencies and the learned projection of the local embedding. A new
 * version is counted by a background job once the library has grown by a set share; this
 * process keeps the latest version it read.
 */
import { prisma } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { LOCAL_EMBEDDING_DIMENSIONS } from "./embedding";
import { learnProjection, type Projection, type SparseVector } from "./projection";
import { documentTerms } from "./terms";
import { yieldToEventLoop } from "./yield";
import { hashedSparse, NO_STATISTICS, RESIDUAL_DIMENSIONS, sharedWeights, StatisticsCounter, termWeights, type LibraryStatistics } from "./weighting";

type Db = Pick<Prisma.TransactionClient, "libraryStatistics">;

/** Documents the projection is learned from, at most (spread over the library). */
const PROJECTION_SAMPLE = 4000;
/** Texts read per query while counting. */
const BATCH = 100;

const cache = new Map<string, LibraryStatistics>();


function bytes(array: Int32Array | Float32Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(array.buffer.slice(array.byteOffset, array.byteOffset + array.byteLength) as ArrayBuffer);
}

function int32s(data: Uint8Array): Int32Array {
  return new Int32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

function float32s(data: Uint8Array): Float32Array {
  return new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

/** The latest version of an owner's statistics (NO_STATISTICS before the first). */
export async function currentStatistics(ownerId: string, db: Db = prisma): Promise<LibraryStatistics> {
  const latest = await db.libraryStatistics.findFirst({ where: { ownerId }, orderBy: { version: "desc" }, select: { version: true } });
  if (!latest) return NO_STATISTICS;
  const cached = cache.get(ownerId);
  if (cached?.version === latest.version) return cached;
  const row = await db.libraryStatistics.findUniqueOrThrow({ where: { ownerId_version: { ownerId, version: latest.version } } });
  const buckets = int32s(row.projectionBuckets);
  const projection: Projection | null = buckets.length > 0 ? { dimensions: LOCAL_EMBEDDING_DIMENSIONS - RESIDUAL_DIMENSIONS, buckets, rows: float32s(row.projection) } : null;
  const statistics = { version: row.version, documents: row.documents, averageLength: row.averageLength, documentFrequency: int32s(row.documentFrequency), projection };
  cache.set(ownerId, statistics);
  return statistics;
}

/** Whether a library of `documents` indexed documents is due new statistics. */
export function statisticsDue(documents: number, latest: Pick<LibraryStatistics, "documents">, settings: { minDocuments: number; growth: number }): boolean {
  if (documents < settings.minDocuments) return false;
  return latest.documents === 0 || documents >= Math.ceil(latest.documents * (1 + settings.growth));
}

/** Reads the owner's finished documents' texts in batches, in id order. */
async function* texts(ownerId: string, ids?: string[]): AsyncGenerator<{ id: string; text: string }[]> {
  let cursor: string | undefined;
  for (;;) {
    const rows = await prisma.document.findMany({
      where: { ownerId, status: "done", text: { not: null }, ...(ids ? { id: { in: ids } } : {}), ...(cursor ? { id: { gt: cursor, ...(ids ? { in: ids } : {}) } } : {}) },
      select: { id: true, text: true },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    if (rows.length === 0) return;
    yield rows.map((row) => ({ id: row.id, text: row.text ?? "" }));
    cursor = rows[rows.length - 1].id;
  }
}

/**
 * Counts a new version of the owner's statistics from their finished documents (document
 * frequencies over all of them, the projection over a sample) and stores it; returns it.
 */
export async function countStatistics(ownerId: string, signal?: AbortSignal, onProgress?: (fraction: number) => Promise<void>): Promise<LibraryStatistics> {
  const previous = await currentStatistics(ownerId);
  const total = await prisma.document.count({ where: { ownerId, status: "done", text: { not: null } } });
  // First pass: document frequencies, and which documents the projection learns from.
  const counter = new StatisticsCounter();
  const everyNth = Math.max(1, Math.ceil(total / PROJECTION_SAMPLE));
  const sampleIds: string[] = [];
  let seen = 0;
  for await (const batch of texts(ownerId)) {
    signal?.throwIfAborted();
    for (const { id, text } of batch) {
      // Counting is CPU work: let the worker's other jobs (and its lock renewals) run between documents.
      await yieldToEventLoop();
      counter.add(documentTerms(text));
      if (seen % everyNth === 0) sampleIds.push(id);
      seen += 1;
    }
    await onProgress?.(0.5 * (seen / Math.max(1, total)));
  }
  const version = previous.version + 1;
  const counted = counter.result(version);
  // Second pass: the sample's weighted terms, and the projection learned from them.
  const sample: SparseVector[] = [];
  for (let i = 0; i < sampleIds.length; i += 1000) {
    for await (const batch of texts(ownerId, sampleIds.slice(i, i + 1000))) {
      signal?.throwIfAborted();
      for (const { text } of batch) {
        await yieldToEventLoop();
        sample.push(hashedSparse(sharedWeights(termWeights(documentTerms(text), counted), counted)));
      }
    }
  }
  await onProgress?.(0.75);
  const projection = learnProjection(sample, LOCAL_EMBEDDING_DIMENSIONS - RESIDUAL_DIMENSIONS);
  const statistics = { ...counted, projection };
  await prisma.libraryStatistics.create({
    data: {
      ownerId,
      version,
      documents: statistics.documents,
      averageLength: statistics.averageLength,
      documentFrequency: bytes(statistics.documentFrequency),
      projectionBuckets: bytes(projection?.buckets ?? new Int32Array(0)),
      projection: bytes(projection?.rows ?? new Float32Array(0)),
    },
  });
  cache.set(ownerId, statistics);
  await onProgress?.(1);
  return statistics;
}
