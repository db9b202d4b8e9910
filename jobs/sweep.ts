/**
 * The trash past TRASH_DAYS, removed for good (rows and files); then storage that nothing owns any more: files of uploads that never became documents (a request
 * that failed after storing them, a process that died in between) and partial files of
 * interrupted writes, older than an hour (so an upload in progress is never touched). A trashed
 * document's file is owned until it is purged. Logged, so an operator sees what went.
 */
import { prisma } from "@/lib/db";
import { logger } from "@/lib/logger";
import { fileStorage } from "@/lib/storage";
import { purgeExpiredTrash } from "@/lib/pipeline";
import { parseKey } from "@/lib/storage/types";
import { trashedKeys } from "@/lib/trash";
import type { TaskHandler } from "./handler";

const HOUR_MS = 60 * 60 * 1000;
const BATCH = 500;

/** Removes what no document owns, stored before `before`; returns what it removed. */
export async function sweepStorage(before: Date): Promise<{ leftovers: string[]; orphans: string[] }> {
  const storage = fileStorage();
  const leftovers = await storage.removeLeftovers(before);
  const orphans: string[] = [];
  let batch: string[] = [];
  const flush = async () => {
    const bases = [...new Set(batch.map((key) => parseKey(key).base))];
    const owned = new Set((await prisma.document.findMany({ where: { storageKey: { in: bases } }, select: { storageKey: true } })).map((d) => d.storageKey));
    for (const key of await trashedKeys(bases)) owned.add(key);
    for (const key of batch) {
      if (owned.has(parseKey(key).base)) continue;
      await storage.remove(key);
      orphans.push(key);
    }
    batch = [];
  };
  for await (const key of storage.listOlderThan(before)) {
    batch.push(key);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  if (leftovers.length + orphans.length > 0) {
    logger.warn("storage sweep removed files no document owns", { driver: storage.driver, leftovers, orphans });
  }
  return { leftovers, orphans };
}

export const sweep: TaskHandler = {
  async handle(payload) {
    const { olderThanMs } = payload as { olderThanMs?: number };
    const purged = await purgeExpiredTrash();
    if (purged.length > 0) logger.info("trash purged after its time", { documents: purged });
    const removed = await sweepStorage(new Date(Date.now() - (olderThanMs ?? HOUR_MS)));
    return { purged: purged.length, leftovers: removed.leftovers.length, orphans: removed.orphans.length };
  },
};
