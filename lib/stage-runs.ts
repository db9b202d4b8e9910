/** Each attempt at each stage, with its timing and outcome: what the UI and the benchmarks read. */
import type { Stage } from "./pipeline/table";
import { prisma } from "./db";

export type StageOutcome = "done" | "retry" | "failed" | "cancelled" | "discarded";

/** Records that an attempt at a stage started; returns its id. */
export async function recordStageStart(documentId: string, stage: Stage, attempt: number): Promise<string> {
  const run = await prisma.stageRun.create({ data: { documentId, stage, attempt }, select: { id: true } });
  return run.id;
}

/** Records how an attempt ended, with a failure's detail or a success's note; a run whose document is gone is left alone. */
export async function recordStageEnd(runId: string | undefined, outcome: StageOutcome, message?: string): Promise<void> {
  if (!runId) return;
  await prisma.stageRun.updateMany({ where: { id: runId }, data: { finishedAt: new Date(), outcome, message: message?.slice(0, 2000) } });
}

/** When the document's last stage attempt ended (ms since the epoch), or undefined before any did. */
export async function lastStageEnd(documentId: string): Promise<number | undefined> {
  const run = await prisma.stageRun.findFirst({
    where: { documentId, finishedAt: { not: null } },
    orderBy: { finishedAt: "desc" },
    select: { finishedAt: true },
  });
  return run?.finishedAt?.getTime();
}
