/** A document's processing history as its page shows it. Browser-safe. */
import type { StageRunView } from "./document-types";

/** A row of the history: a run, and how many identical failed runs in a row it stands for. */
export interface HistoryRow {
  run: StageRunView;
  count: number;
}

/**
 * Runs in order, with identical failed runs in a row (the same stage failing at the same attempt,
 * as each retry of a file no retry can fix does) shown once with their count; the latest stands for them.
 */
export function collapseRuns(runs: readonly StageRunView[]): HistoryRow[] {
  const rows: HistoryRow[] = [];
  for (const run of runs) {
    const last = rows.at(-1);
    if (last && run.outcome === "failed" && last.run.outcome === "failed" && last.run.stage === run.stage && last.run.attempt === run.attempt) {
      rows[rows.length - 1] = { run, count: last.count + 1 };
    } else {
      rows.push({ run, count: 1 });
    }
  }
  return rows;
}
