/**
 * What a child process that reads untrusted files may use: an allow-listed environment, an OS
 * memory limit, no file writes, and, when the worker runs as root, an unprivileged user, so it can
 * read neither the worker's secrets (/proc/<worker>/environ) nor the stored files themselves.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync } from "node:fs";
import { env as settings } from "@/lib/env";

/** The settings of the worker's environment a child gets; nothing else of it, secrets least of all. */
const INHERITED_ENV = ["PATH", "LANG", "LC_ALL", "TZ", "NODE_ENV"];

/** The child's environment: the allow-listed settings, and what the limits below need. */
export function childEnvironment(): NodeJS.ProcessEnv {
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  // The child may write no file (its file size limit is 0), so tsx compiles in memory only.
  env.TSX_DISABLE_CACHE = "1";
  // pdf.js loads @napi-rs/canvas, whose allocator (mimalloc) reserves 1 GiB of writable memory
  // up front whenever the data limit leaves room for it, and then fails the parser for the rest.
  env.MIMALLOC_ARENA_RESERVE = "64MiB";
  const profiles = profileFolder();
  if (profiles) Object.assign(env, { NODE_OPTIONS: process.env.NODE_OPTIONS ?? "", BENCH_CPU_PROFILE_DIR: profiles, BENCH_CPU_PROFILE_FROM_START: "1" });
  return env as NodeJS.ProcessEnv;
}

/** Where children write their CPU profiles (PARSER_CPU_PROFILE_DIR), made writable by their user; null when not profiling. */
function profileFolder(): string | null {
  const folder = settings.PARSER_CPU_PROFILE_DIR;
  if (!folder) return null;
  mkdirSync(folder, { recursive: true });
  chmodSync(folder, 0o777);
  return folder;
}

/**
 * A child's memory limit: its heap plus `offHeapMb`. It is the child's data-segment limit
 * (RLIMIT_DATA: every private writable mapping, so the heap, buffers, WebAssembly memory and
 * thread stacks; an address-space limit would break WebAssembly, which reserves gigabytes it never
 * uses), and the resident memory past which the pool stops the child.
 */
export function memoryLimitBytes({ memoryMb, offHeapMb }: { memoryMb: number; offHeapMb: number }): number {
  return (memoryMb + offHeapMb) * 2 ** 20;
}

/**
 * `command` started through prlimit with the child's limits, so they hold from its first
 * instruction (setting them with `prlimit --pid` after the start would race the child's own
 * allocations): data at `dataBytes`, file size 0 (it writes no file), and no core dump (it would
 * hold the document).
 */
export function limitedExec(command: string[], dataBytes: number): string[] {
  // A profiled child writes its profile (PARSER_CPU_PROFILE_DIR): no file size limit then.
  const fileSize = settings.PARSER_CPU_PROFILE_DIR ? [] : ["--fsize=0"];
  return ["prlimit", `--data=${dataBytes}`, ...fileSize, "--core=0", "--", ...command];
}

const users = new Map<string, { uid: number; gid: number }>();

/**
 * The uid and gid children run as: `user`'s when the worker runs as root (Node then also drops
 * root's supplementary groups), nothing to change otherwise; when not root, the allow-listed
 * environment is the boundary.
 */
export function childUser(user: string | null): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0 || user === null) return {};
  let ids = users.get(user);
  if (!ids) {
    const id = (flag: string) => Number(execFileSync("id", [flag, user], { encoding: "utf8" }).trim());
    try {
      ids = { uid: id("-u"), gid: id("-g") };
    } catch (error) {
      throw new Error(`EXTRACT_USER "${user}" is not a user of this system (parsers run as it when the worker runs as root)`, { cause: error });
    }
    users.set(user, ids);
  }
  return ids;
}
