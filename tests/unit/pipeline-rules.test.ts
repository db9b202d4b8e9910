/** What each state transition writes, and how progress inside a stage is throttled. */
import { describe, expect, it } from "vitest";
import { cancelUpdate, completeUpdate, failUpdate, ProgressThrottle, requeueUpdate, startUpdate } from "@/lib/pipeline/rules";
import { isActive, isFinal, isRetryable, DOCUMENT_STATUSES } from "@/lib/pipeline/statuses";
import { jobKind, nextStage, overallProgress, STAGES, stageRange } from "@/lib/pipeline/table";

const NOW = new Date("2026-12-01T12:00:00Z");

describe("the job table", () => {
  it("covers the bar from 0 to 100 with the stages in order, without gaps", () => {
    expect(stageRange(STAGES[0])[0]).toBe(0);
    expect(stageRange(STAGES.at(-1)!)[1]).toBe(100);
    for (const stage of STAGES.slice(1)) {
      const previous = STAGES[STAGES.indexOf(stage) - 1];
      expect(stageRange(stage)[0]).toBe(stageRange(previous)[1]);
    }
  });

  it("knows the stages and the tasks, and nothing else", () => {
    expect(jobKind("extract")).toMatchObject({ runner: "stage", stage: "extract", queue: "ingest" });
    expect(jobKind("similar")).toMatchObject({ runner: "stage", queue: "index" });
    expect(jobKind("reconcile")).toMatchObject({ runner: "task", queue: "maintenance" });
    for (const name of ["find-similar", "toString", "__proto__", ""]) expect(jobKind(name)).toBeUndefined();
  });

  it("maps a fraction of a stage onto its part of the bar, clamped", () => {
    const [start, end] = stageRange("summarize");
    expect(overallProgress("summarize", 0)).toBe(start);
    expect(overallProgress("summarize", 0.5)).toBe(Math.round((start + end) / 2));
    expect(overallProgress("summarize", 2)).toBe(end);
    expect(overallProgress("extract", -1)).toBe(0);
  });

  it("puts every status in exactly one of active and final; retryable ones are final", () => {
    for (const status of DOCUMENT_STATUSES) {
      expect(isActive(status) !== isFinal(status), status).toBe(true);
      if (isRetryable(status)) expect(isFinal(status)).toBe(true);
    }
    expect(DOCUMENT_STATUSES.filter(isRetryable)).toEqual(["failed", "cancelled"]);
  });
});

describe("state transitions", () => {
  it("starts a stage at its start, keeps the progress of a stage already under way, and clears a failure", () => {
    const fresh = startUpdate({ stage: "extract", progress: 0, startedAt: null }, "summarize", NOW);
    const [start, end] = stageRange("summarize");
    expect(fresh).toMatchObject({ status: "processing", stage: "summarize", progress: start, error: null, errorCode: null, startedAt: NOW });
    const midway = Math.round((start + end) / 2);
    const resumed = startUpdate({ stage: "summarize", progress: midway, startedAt: new Date(0) }, "summarize", NOW);
    expect(resumed).toMatchObject({ progress: midway, startedAt: new Date(0) });
  });

  it("moves a completed stage on to the next at its end, and the last one to done", () => {
    for (const stage of STAGES) {
      const next = nextStage(stage);
      const update = completeUpdate(stage, NOW);
      if (next) expect(update).toEqual({ stage: next, progress: stageRange(stage)[1] });
      else expect(update).toEqual({ status: "done", progress: 100, finishedAt: NOW });
    }
  });

  it("records a failure's message, code and whether a retry may help", () => {
    const update = failUpdate("extract", { message: "This PDF is password protected.", code: "encrypted", retryable: false }, NOW);
    expect(update).toEqual({
      status: "failed",
      stage: "extract",
      error: "This PDF is password protected.",
      errorCode: "encrypted",
      errorRetryable: false,
      finishedAt: NOW,
    });
  });

  it("queues again at the stage's start, and cancels, clearing any failure", () => {
    expect(requeueUpdate("embed")).toMatchObject({ status: "queued", stage: "embed", progress: stageRange("embed")[0], error: null, errorRetryable: null, finishedAt: null });
    expect(cancelUpdate(NOW)).toMatchObject({ status: "cancelled", error: null, finishedAt: NOW });
  });
});

describe("ProgressThrottle", () => {
  it("emits a moved percentage at most every interval, and persists more rarely", () => {
    const throttle = new ProgressThrottle(200, 1_000, 0);
    expect(throttle.next(10, 100)).toEqual({ emit: true, persist: false });
    expect(throttle.next(11, 200)).toEqual({ emit: false, persist: false });
    expect(throttle.next(11, 300)).toEqual({ emit: true, persist: false });
    expect(throttle.next(11, 600)).toEqual({ emit: false, persist: false });
    expect(throttle.next(12, 1_100)).toEqual({ emit: true, persist: true });
    expect(throttle.next(13, 1_400)).toEqual({ emit: true, persist: false });
  });

  it("emits a new detail of what the stage is doing even when the percentage stayed", () => {
    const throttle = new ProgressThrottle(200, 1_000, 0);
    expect(throttle.next(30, 100, "part 1 of 9").emit).toBe(true);
    expect(throttle.next(30, 400, "part 1 of 9").emit).toBe(false);
    expect(throttle.next(30, 700, "part 2 of 9").emit).toBe(true);
  });

  it("sends each new step at once, even within the interval (a page of OCR right after the parse's last report)", () => {
    const throttle = new ProgressThrottle(200, 1_000, 0);
    expect(throttle.next(2, 100).emit).toBe(true);
    expect(throttle.next(3, 150, "Reading page 1 of 2 (OCR)").emit).toBe(true);
    expect(throttle.next(4, 200, "Reading page 1 of 2 (OCR)").emit).toBe(false);
    expect(throttle.next(13, 250, "Reading page 2 of 2 (OCR)").emit).toBe(true);
  });
});
