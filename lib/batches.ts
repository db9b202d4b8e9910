/**
 * Batches: every upload request is one (its documents carry its `batchId`). A batch's progress is
 * counted from its documents; its estimate comes from the owner's recent stage times.
 */
import "server-only";
import type { BatchProgress } from "./document-types";
import { prisma } from "./db";
import { NotFoundError } from "./errors";
import { isActive } from "./pipeline/statuses";
import { STAGES, stageRange, type Stage } from "./pipeline/table";

/** How many of the owner's latest finished stage runs the estimate averages. */
const RECENT_RUNS = 200;

/** Average seconds per stage over the owner's recent successful stage runs (stages never run are absent). */
async function recentStageSeconds(ownerId: string): Promise<Map<Stage, number>> {
  const rows = await prisma.$queryRaw<{ stage: Stage; seconds: number }[]>`
    SELECT recent."stage"::text AS stage, avg(extract(epoch FROM recent."finishedAt" - recent."startedAt"))::float8 AS seconds
    FROM (
      SELECT r."stage", r."startedAt", r."finishedAt" FROM "StageRun" r JOIN "Document" d ON d."id" = r."documentId"
      WHERE d."ownerId" = ${ownerId} AND r."outcome" = 'done' AND r."finishedAt" IS NOT NULL
      ORDER BY r."finishedAt" DESC LIMIT ${RECENT_RUNS}
    ) recent
    GROUP BY recent."stage"`;
  return new Map(rows.map((row) => [row.stage, row.seconds]));
}

/** Seconds a document still needs by the stage times: the rest of its stage, then every later one. */
export function remainingSeconds(doc: { status: string; stage: Stage; progress: number }, seconds: Map<Stage, number>, fallback: number): number {
  let total = 0;
  for (const stage of STAGES.slice(STAGES.indexOf(doc.stage))) {
    const full = seconds.get(stage) ?? fallback;
    if (stage === doc.stage && doc.status === "processing") {
      const [start, end] = stageRange(stage);
      const within = Math.min(1, Math.max(0, (doc.progress - start) / (end - start)));
      total += full * (1 - within);
    } else {
      total += full;
    }
  }
  return total;
}

/** One of the owner's batches now (NotFoundError when the owner has no document in it). */
export async function getBatch(ownerId: string, id: string): Promise<BatchProgress> {
  const documents = await prisma.document.findMany({ where: { ownerId, batchId: id }, select: { status: true, stage: true, progress: true } });
  if (documents.length === 0) throw new NotFoundError("Batch not found");
  const active = documents.filter((doc) => isActive(doc.status));
  return {
    id,
    total: documents.length,
    done: documents.filter((doc) => doc.status === "done").length,
    failed: documents.filter((doc) => doc.status === "failed").length,
    active: active.length,
    etaSeconds: active.length === 0 ? 0 : await estimate(ownerId, active),
  };
}

/**
 * Seconds until the active documents are done: the work they have left by the owner's recent stage
 * times, shared among as many as the workers run at once for the owner now (at least one); null
 * before the owner has any finished stage to go by.
 */
async function estimate(ownerId: string, active: { status: string; stage: Stage; progress: number }[]): Promise<number | null> {
  const [seconds, running] = await Promise.all([
    recentStageSeconds(ownerId),
    prisma.document.count({ where: { ownerId, status: "processing" } }),
  ]);
  if (seconds.size === 0) return null;
  const fallback = [...seconds.values()].reduce((sum, s) => sum + s, 0) / seconds.size;
  const work = active.reduce((sum, doc) => sum + remainingSeconds(doc, seconds, fallback), 0);
  return Math.ceil(work / Math.max(1, running));
}
