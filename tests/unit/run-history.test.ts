import { describe, expect, it } from "vitest";
import type { StageRunView } from "@/lib/document-types";
import { collapseRuns } from "@/lib/run-history";

function run(stage: StageRunView["stage"], outcome: string, minute: number, attempt = 1): StageRunView {
  return { stage, attempt, startedAt: `2026-12-01T10:${String(minute).padStart(2, "0")}:00.000Z`, durationMs: 10, outcome, note: null };
}

describe("collapseRuns", () => {
  it("shows identical failed runs in a row once, with their count, and keeps the others apart", () => {
    const runs = [run("extract", "failed", 1), run("extract", "failed", 2), run("extract", "failed", 3), run("extract", "done", 4), run("summarize", "failed", 5)];
    const rows = collapseRuns(runs);
    expect(rows.map((row) => [row.run.startedAt.slice(11, 16), row.run.outcome, row.count])).toEqual([
      ["10:03", "failed", 3],
      ["10:04", "done", 1],
      ["10:05", "failed", 1],
    ]);
  });

  it("keeps runs of other stages, attempts or outcomes on rows of their own", () => {
    const runs = [run("extract", "retry", 1), run("extract", "retry", 2, 2), run("extract", "failed", 3, 3), run("summarize", "failed", 4, 3)];
    expect(collapseRuns(runs).map((row) => row.count)).toEqual([1, 1, 1, 1]);
  });
});
