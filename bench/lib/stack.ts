/**
 * The real stack (web + worker, production build) for a figure, on the benchmarks' own
 * database and Redis database, so the test suites' state is never touched.
 */
import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { startProcess, startStack, stopProcess, type Stack } from "../../tests/harness";
import { setDefaultToken } from "../../tests/integration/client";
import { childPid } from "./proc";

export const BENCH_DATABASE_URL = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:54329/docsum_bench";
export const BENCH_REDIS_URL = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:63790/5";

/** Preloaded into the web and worker processes when profiling (Node 20 refuses --cpu-prof in NODE_OPTIONS). */
const CPU_PROFILER = path.join(import.meta.dirname, "cpu-profile.mjs");

export interface BenchStack extends Stack {
  /** The web process's pid. */
  webPid: number;
  /** Starts the CPU profiles of the web and worker processes (when BENCH_PROFILE_DIR is set): call it after the warm-up. */
  profileFromHere(): void;
  /** Ends those profiles and writes them: call it at the end of the measured part. */
  profileUntilHere(): void;
}

/** A unique prefix for Redis keys (BullMQ queues, Socket.IO channels) of one figure. */
export function uniquePrefix(name: string): string {
  return `bench-${name}-${randomBytes(3).toString("hex")}`;
}

/**
 * Settings of a bench stack: production values where the harness sets test ones (the
 * reconciler's pace), a short shutdown, and CPU profiles when BENCH_PROFILE_DIR is set.
 */
export function stackEnv(name: string, extra: Record<string, string> = {}): Record<string, string> {
  const profile = process.env.BENCH_PROFILE_DIR;
  return {
    DATABASE_URL: BENCH_DATABASE_URL,
    REDIS_URL: BENCH_REDIS_URL,
    QUEUE_PREFIX: uniquePrefix(name),
    MAX_UPLOAD_BYTES: String(100 * 1024 * 1024),
    RECONCILE_EVERY_MS: "60000",
    RECONCILE_STALE_AFTER_MS: "120000",
    WORKER_SHUTDOWN_TIMEOUT_MS: "2000",
    LOG_LEVEL: "error",
    ...(profile
      ? { NODE_OPTIONS: `--import ${CPU_PROFILER}`, BENCH_CPU_PROFILE_DIR: path.join(profile, name), PARSER_CPU_PROFILE_DIR: path.join(profile, name, "parsers") }
      : {}),
    ...extra,
  };
}

/** Starts web + worker against a freshly emptied bench database and Redis database. */
export async function startBenchStack(name: string, extra: Record<string, string> = {}): Promise<BenchStack> {
  const stack = await startStack(stackEnv(name, extra));
  // Every request and socket of the figure is the stack's admin's.
  setDefaultToken(stack.admin!.token);
  const webPid = childPid("server.ts");
  // The preloaded profiler (cpu-profile.mjs) toggles on SIGUSR2: first start, then write.
  const toggleProfiles = () => {
    if (!process.env.BENCH_PROFILE_DIR) return;
    const running = stack.workers.filter((worker) => worker.exitCode === null && worker.signalCode === null);
    for (const pid of [webPid, ...running.map((worker) => worker.pid!)]) process.kill(pid, "SIGUSR2");
  };
  return Object.assign(stack, { webPid, profileFromHere: toggleProfiles, profileUntilHere: toggleProfiles });
}

/** Starts a TypeScript helper process and resolves with its first stdout line (e.g. its port). */
export async function startHelper(name: string, script: string, env: Record<string, string> = {}, args: string[] = []): Promise<{ child: ChildProcess; line: string }> {
  const child = startProcess(name, script, env, args);
  const line = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const end = buffered.indexOf("\n");
      if (end !== -1) resolve(buffered.slice(0, end).trim());
    });
    child.once("exit", (code) => reject(new Error(`${name} exited with code ${code} before it was ready`)));
  });
  return { child, line };
}

/** Stops a helper process (SIGTERM, then SIGKILL). */
export const stopHelper = stopProcess;
