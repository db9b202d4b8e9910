/**
 * The search backfill: indexes an owner's documents that are not indexed in the configured
 * language: documents from before search existed get their passages, documents indexed in
 * another language are indexed again (the triggers re-make their vectors). Progress is kept in
 * the owner's SearchIndexing row, in the transaction of each batch; a run that was stopped (a
 * killed worker) resumes with what is left, which is what still is not indexed.
 */
import { z } from "zod";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { indexDocument, passagesOf, unindexed, type Passage } from "@/lib/search";
import { yieldToEventLoop } from "@/lib/similarity";
import type { TaskHandler } from "./handler";

const payload = z.object({ ownerId: z.string().min(1) });

/** A batch's transaction writes many passages. */
const BATCH_TIMEOUT_MS = 120_000;

export const searchIndex: TaskHandler = {
  async handle(data, signal) {
    const { ownerId } = payload.parse(data);
    const language = env.SEARCH_LANGUAGE;
    const stale = unindexed(ownerId, language);
    const left = await prisma.document.count({ where: stale });
    const row = await prisma.searchIndexing.findUnique({ where: { ownerId } });
    // A run of the same language that did not finish is resumed; anything else starts anew.
    const resuming = row !== null && row.language === language && row.finishedAt === null;
    await prisma.searchIndexing.upsert({
      where: { ownerId },
      create: { ownerId, language, total: left },
      update: resuming ? { total: row.done + left } : { language, total: left, done: 0, startedAt: new Date(), finishedAt: null },
    });
    for (;;) {
      signal.throwIfAborted();
      const batch = await prisma.document.findMany({
        where: stale,
        select: { id: true, ownerId: true, text: true, searchLanguage: true },
        orderBy: { id: "asc" },
        take: env.SEARCH_BACKFILL_BATCH,
      });
      if (batch.length === 0) break;
      // Passages only where the document has none yet; one indexed in another language keeps its own.
      const passages = new Map<string, Passage[]>();
      for (const doc of batch) {
        if (doc.searchLanguage !== null) continue;
        await yieldToEventLoop();
        passages.set(doc.id, passagesOf(doc.text ?? ""));
      }
      await prisma.$transaction(
        async (tx) => {
          for (const doc of batch) {
            // Skipped when the document changed meanwhile (indexed again by its own extract stage).
            const [current] = await tx.$queryRaw<{ searchLanguage: string | null }[]>`
              SELECT "searchLanguage" FROM "Document" WHERE "id" = ${doc.id}::uuid FOR UPDATE`;
            if (!current || current.searchLanguage !== doc.searchLanguage) continue;
            const own = passages.get(doc.id);
            if (own) await indexDocument(tx, doc, own, language);
            else await tx.document.update({ where: { id: doc.id }, data: { searchLanguage: language } });
          }
          await tx.searchIndexing.update({ where: { ownerId }, data: { done: { increment: batch.length } } });
        },
        { timeout: BATCH_TIMEOUT_MS, maxWait: 10_000 },
      );
    }
    const done = await prisma.searchIndexing.update({ where: { ownerId }, data: { finishedAt: new Date() } });
    logger.info("library indexed for search", { ownerId, language, documents: done.done });
    return { language, indexed: done.done };
  },
};
