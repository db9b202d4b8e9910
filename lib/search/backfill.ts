/**
 * The search backfill's bookkeeping: which documents still need indexing in the configured
 * language (those from before search existed, or indexed in another language), queuing the
 * owner's backfill task, and how far it has come, for the owner to see.
 */
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import { logger } from "@/lib/logger";
import { enqueueTask } from "@/lib/pipeline/tasks";
import { queue } from "@/lib/queues";

/** The owner's documents with text not indexed in `language`. */
export function unindexed(ownerId: string, language = env.SEARCH_LANGUAGE): Prisma.DocumentWhereInput {
  return { ownerId, text: { not: null }, OR: [{ searchLanguage: null }, { searchLanguage: { not: language } }] };
}

/** The backfill task's job id for an owner (one at a time per owner). */
export function searchIndexingJobId(ownerId: string): string {
  return `search-index-${ownerId}`;
}

const LIVE = new Set(["waiting", "active", "delayed", "prioritized", "waiting-children"]);

/** Queues the owner's backfill unless it is queued or running; a finished one is replaced. */
export async function queueSearchIndexing(ownerId: string): Promise<void> {
  const jobId = searchIndexingJobId(ownerId);
  const job = await queue("maintenance").getJob(jobId);
  if (job) {
    if (LIVE.has(await job.getState())) return;
    await job.remove().catch(() => undefined);
  }
  await enqueueTask("search-index", { ownerId }, jobId);
}

/** Queues the backfill of every owner with documents not indexed in the configured language (at worker start). */
export async function queueSearchIndexingWhereNeeded(): Promise<number> {
  const owners = await prisma.$queryRaw<{ ownerId: string }[]>`
    SELECT DISTINCT "ownerId" FROM "Document"
    WHERE "text" IS NOT NULL AND "searchLanguage" IS DISTINCT FROM ${env.SEARCH_LANGUAGE}`;
  for (const { ownerId } of owners) await queueSearchIndexing(ownerId);
  if (owners.length > 0) logger.info("queued search indexing", { owners: owners.length, language: env.SEARCH_LANGUAGE });
  return owners.length;
}

export interface SearchIndexingStatus {
  /** The backfill has documents left. */
  indexing: boolean;
  done: number;
  total: number;
  language: string;
}

/** How far the owner's search backfill has come; null when it never ran. */
export async function searchIndexingStatus(ownerId: string): Promise<SearchIndexingStatus | null> {
  const row = await prisma.searchIndexing.findUnique({ where: { ownerId } });
  if (!row) return null;
  return { indexing: row.finishedAt === null, done: Math.min(row.done, row.total), total: row.total, language: row.language };
}
