/**
 * What each state transition writes, as pure functions of the document and the stage: the
 * transitions module applies them in the database, and the unit tests check them directly.
 */
import type { DocumentStatus } from "./statuses";
import { nextStage, stageRange, type Stage } from "./table";

/** Why a document failed, as its owner and the pages see it. */
export interface Failure {
  message: string;
  code: string;
  retryable: boolean;
}

interface StateFields {
  status?: DocumentStatus;
  stage?: Stage;
  progress?: number;
  error?: string | null;
  errorCode?: string | null;
  errorRetryable?: boolean | null;
  startedAt?: Date;
  finishedAt?: Date | null;
}

const NO_FAILURE = { error: null, errorCode: null, errorRetryable: null } as const;

/** A stage starts: processing, the bar at the stage's start (or where this stage already was). */
export function startUpdate(document: { stage: Stage; progress: number; startedAt: Date | null }, stage: Stage, now: Date): StateFields {
  return {
    status: "processing",
    stage,
    progress: Math.max(stageRange(stage)[0], stage === document.stage ? document.progress : 0),
    ...NO_FAILURE,
    startedAt: document.startedAt ?? now,
  };
}

/** A stage completes: on to the next stage at this one's end, or done after the last. */
export function completeUpdate(stage: Stage, now: Date): StateFields {
  const next = nextStage(stage);
  return next ? { stage: next, progress: stageRange(stage)[1] } : { status: "done", progress: 100, finishedAt: now };
}

/** The document fails at a stage, saying why. */
export function failUpdate(stage: Stage, failure: Failure, now: Date): StateFields {
  return { status: "failed", stage, error: failure.message, errorCode: failure.code, errorRetryable: failure.retryable, finishedAt: now };
}

/** The document is queued again from a stage (retry, re-run, reconciler). */
export function requeueUpdate(stage: Stage): StateFields {
  return { status: "queued", stage, progress: stageRange(stage)[0], ...NO_FAILURE, finishedAt: null };
}

/** The owner stopped the document. */
export function cancelUpdate(now: Date): StateFields {
  return { status: "cancelled", ...NO_FAILURE, finishedAt: now };
}

/**
 * Progress inside a stage: an event at most every `emitEveryMs` and only when the percentage (or
 * the detail of what the stage is doing) moved, a database write at most every `persistEveryMs`.
 */
export class ProgressThrottle {
  private lastEmit = -Infinity;
  private lastProgress = -1;
  private lastDetail: string | undefined;
  private lastPersist: number;

  constructor(
    private readonly emitEveryMs: number,
    private readonly persistEveryMs: number,
    startedAt: number,
  ) {
    this.lastPersist = startedAt;
  }

  /** What to do with a new percentage (and detail) at time `now`; a new step (a new detail, "Reading page 2 of 12") is always sent. */
  next(progress: number, now: number, detail?: string): { emit: boolean; persist: boolean } {
    const newStep = detail !== undefined && detail !== this.lastDetail;
    const moved = progress !== this.lastProgress || detail !== this.lastDetail;
    if (!moved || (!newStep && now - this.lastEmit < this.emitEveryMs)) return { emit: false, persist: false };
    this.lastEmit = now;
    this.lastProgress = progress;
    this.lastDetail = detail;
    const persist = now - this.lastPersist >= this.persistEveryMs;
    if (persist) this.lastPersist = now;
    return { emit: true, persist };
  }
}
