/**
 * What every figure file shares: the `--quick` flag, the result shape, and writing the results
 * where scripts/bench.mjs collects them (BENCH_RESULT_FILE).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { childPids } from "./proc";
import { round } from "./stats";

/** True when the run was started with `--quick` (smaller sizes, fewer repetitions). */
export const QUICK = process.argv.includes("--quick");

/** One line of bench/results/latest.json. */
export interface FigureResult {
  name: string;
  value: number;
  unit: string;
  /** What the value is compared with, measured in the same run. */
  baseline: string;
  baselineValue: number;
  /** value / baselineValue. */
  ratio: number;
  /** The per-run values the median was taken from (the figure's own unit). */
  runs: number[];
  /** The goal, in words, and whether this run met it; absent when the issue sets none. */
  goal?: string;
  met?: boolean;
  /** Anything a reader needs to judge the number: sizes, checks, shares. */
  details?: Record<string, unknown>;
}

/** Rounds every number inside a value (details), for a readable report. */
function roundDeep(value: unknown): unknown {
  if (typeof value === "number") return round(value);
  if (Array.isArray(value)) return value.map(roundDeep);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, roundDeep(v)]));
  return value;
}

/** Builds a result with its ratio, rounding for the report. */
export function result(fields: Omit<FigureResult, "ratio">): FigureResult {
  return {
    ...fields,
    value: round(fields.value),
    baselineValue: round(fields.baselineValue),
    ratio: round(fields.value / fields.baselineValue),
    runs: fields.runs.map((run) => round(run)),
    ...(fields.details ? { details: roundDeep(fields.details) as Record<string, unknown> } : {}),
  };
}

/** Logs a progress line of the figure to stderr (stdout stays quiet). */
export function log(message: string): void {
  process.stderr.write(`[bench +${(performance.now() / 1000).toFixed(1)}s] ${message}\n`);
}

const scratchDirs: string[] = [];

/** A temporary folder for generated files, removed when the figure ends. */
export function scratchDir(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `docsum-bench-${name}-`));
  scratchDirs.push(dir);
  return dir;
}

/** Runs a figure's main function, writes its results for scripts/bench.mjs and exits. */
export function runFigure(main: () => Promise<FigureResult[]>): void {
  process.on("exit", () => {
    for (const dir of scratchDirs) rmSync(dir, { recursive: true, force: true });
    // A figure that failed or was stopped leaves no stack behind: its processes are its own children.
    for (const pid of childPids()) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  });
  process.on("SIGTERM", () => {
    log("stopped (SIGTERM)");
    process.exit(1);
  });
  main()
    .then((results) => {
      const file = process.env.BENCH_RESULT_FILE;
      if (file) writeFileSync(file, JSON.stringify(results, null, 2));
      else console.log(JSON.stringify(results, null, 2));
      process.exit(0);
    })
    .catch((error: Error) => {
      log(`failed: ${error.stack ?? error.message}`);
      process.exit(1);
    });
}
