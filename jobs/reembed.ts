/**
 * Re-embeds an owner's library under the latest statistics, then rebuilds every similar list
 * among the new vectors. Vectors of different models are never compared: until a document is
 * re-embedded it stays in its old model's index. Progress is kept in the statistics row; a run
 * that was stopped (a killed worker) resumes where it stopped: what is left is what still has the
 * old model, then the lists after the stored cursor.
 */
import { z } from "zod";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import { decodeVector, encodeVector } from "@/lib/ai/vector";
import { logger } from "@/lib/logger";
import {
  currentStatistics,
  listSettings,
  localEmbedding,
  localEmbeddingModel,
  lockOwner,
  rebuildList,
  vectorIndex,
  yieldToEventLoop,
  LOCAL_EMBEDDING_DIMENSIONS,
} from "@/lib/similarity";
import type { TaskHandler } from "./handler";

const payload = z.object({ ownerId: z.string().min(1) });

export const reembed: TaskHandler = {
  async handle(data, signal) {
    const { ownerId } = payload.parse(data);
    const statistics = await currentStatistics(ownerId);
    if (statistics.version === 0) return { skipped: "no statistics" };
    const version = statistics.version;
    const key = { ownerId_version: { ownerId, version } };
    const target = localEmbeddingModel(statistics);
    const index = await vectorIndex();
    const superseded = async () => (await currentStatistics(ownerId)).version !== version;

    // Vectors: every indexed local-model document still under another version.
    const stale: Prisma.DocumentWhereInput = { ownerId, vectorSeq: { not: null }, text: { not: null }, embeddingModel: { startsWith: "local-", not: target } };
    const progress = await prisma.libraryStatistics.findUniqueOrThrow({ where: key });
    await prisma.libraryStatistics.update({ where: key, data: { reembedTotal: progress.reembedDone + (await prisma.document.count({ where: stale })) } });
    for (;;) {
      signal.throwIfAborted();
      if (await superseded()) return { superseded: version };
      const batch = await prisma.document.findMany({ where: stale, select: { id: true, text: true }, orderBy: { id: "asc" }, take: env.SIMILAR_REEMBED_BATCH });
      if (batch.length === 0) break;
      const embedded: ({ id: string } & ReturnType<typeof localEmbedding>)[] = [];
      for (const doc of batch) {
        await yieldToEventLoop();
        embedded.push({ id: doc.id, ...localEmbedding(doc.text ?? "", statistics) });
      }
      await prisma.$transaction(
        async (tx) => {
          await lockOwner(tx, ownerId);
          for (const doc of embedded) {
            const vector = encodeVector(doc.vector);
            await tx.$executeRaw`
              UPDATE "Document" SET "vector" = ${vector}, "embeddingModel" = ${target}, "keyTerms" = ${JSON.stringify(doc.keyTerms)}::jsonb,
                                    "minhash" = ${doc.minhash}, "vectorSeq" = nextval('vector_seq')
              WHERE "id" = ${doc.id}::uuid AND "vectorSeq" IS NOT NULL`;
            await index.enter(tx, { id: doc.id, ownerId, embeddingModel: target, vector: decodeVector(vector) });
          }
          await tx.libraryStatistics.update({ where: key, data: { reembedDone: { increment: embedded.length } } });
        },
        { timeout: env.SIMILAR_TIMEOUT_MS, maxWait: 10_000 },
      );
    }

    // Lists: every document of the new model, in id order from the stored cursor.
    await index.warm(prisma, ownerId, target, LOCAL_EMBEDDING_DIMENSIONS);
    for (;;) {
      signal.throwIfAborted();
      if (await superseded()) return { superseded: version };
      const { listsCursor } = await prisma.libraryStatistics.findUniqueOrThrow({ where: key, select: { listsCursor: true } });
      const batch = await prisma.document.findMany({
        where: { ownerId, embeddingModel: target, vectorSeq: { not: null }, ...(listsCursor ? { id: { gt: listsCursor } } : {}) },
        select: { id: true, ownerId: true, embeddingModel: true, vector: true, keyTerms: true, minhash: true },
        orderBy: { id: "asc" },
        take: env.SIMILAR_REEMBED_BATCH,
      });
      if (batch.length === 0) break;
      await prisma.$transaction(
        async (tx) => {
          await lockOwner(tx, ownerId);
          for (const doc of batch) await rebuildList(tx, doc, index, listSettings());
          await tx.libraryStatistics.update({ where: key, data: { listsCursor: batch[batch.length - 1].id, listsDone: { increment: batch.length } } });
        },
        { timeout: env.SIMILAR_TIMEOUT_MS, maxWait: 10_000 },
      );
    }
    const done = await prisma.libraryStatistics.update({ where: key, data: { finishedAt: new Date() } });
    logger.info("library re-embedded", { ownerId, version, documents: done.reembedDone, lists: done.listsDone });
    return { version, reembedded: done.reembedDone, lists: done.listsDone };
  },
};
