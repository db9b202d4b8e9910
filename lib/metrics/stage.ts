/** The stage runner's measures: how long an attempt took, and how long its job waited for a worker. */
import { metrics } from "./registry";

/** Records one attempt at `stage` that started at `startedMs` (Date.now()) and ended now with `outcome`. */
export function observeStage(stage: string, outcome: string, startedMs: number): void {
  metrics().stageDuration.observe({ stage, outcome }, (Date.now() - startedMs) / 1000);
}

/** The moments that decide when a stage job became ready to run. */
export interface StageJobTimes {
  /** When the job was created (with its flow). */
  timestamp: number;
  /** When a worker took it. */
  processedOn: number;
  /** Its delay: the first one asked for, or the backoff before this retry. */
  delay: number;
  attemptsMade: number;
  /** When the document's last stage attempt ended (the stage before, or this one's last try), if any. */
  lastRunEnd?: number;
}

/**
 * Records how long a stage job waited: from the moment it could run (created, the stage before it
 * done, or its retry's backoff over) to a worker taking it.
 */
export function observeStageWait(stage: string, times: StageJobTimes): void {
  const firstTry = times.attemptsMade === 0;
  const readyAt = Math.max(
    times.timestamp + (firstTry ? times.delay : 0),
    times.lastRunEnd !== undefined ? times.lastRunEnd + (firstTry ? 0 : times.delay) : 0,
  );
  metrics().stageWait.observe({ stage }, Math.max(0, times.processedOn - readyAt) / 1000);
}
