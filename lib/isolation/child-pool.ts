/**
 * Runs untrusted work (parsing uploaded files) in child processes with a heap limit and a memory
 * limit, so a crash or an out-of-memory takes down the child, never the worker. Children are
 * reused while healthy (starting one costs a few hundred milliseconds); one that crashed, timed
 * out, went over its memory limit or was aborted is killed and replaced, and each is retired after
 * a number of requests. They get no secrets: an allow-listed environment, and when the worker runs
 * as root, an unprivileged user (see ./sandbox.ts).
 */
import { fork, type ChildProcess } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { countParserKill } from "../metrics/parser";
import { metrics } from "../metrics/registry";
import type { ChildMessage, ChildRequest } from "./protocol";
import { childEnvironment, childUser, limitedExec, memoryLimitBytes } from "./sandbox";

export interface ChildPoolSettings {
  /** The V8 heap limit of each child (--max-old-space-size). */
  memoryMb: number;
  /** Memory each child may use besides its heap (buffers, WebAssembly, code); see memoryLimitBytes. */
  offHeapMb: number;
  /** The user children run as when the worker runs as root (null: as root too). */
  user: string | null;
  /** Healthy children kept waiting for work. */
  maxIdle?: number;
  /** Requests one child serves before it is retired (bounds slow leaks in a parser). */
  maxRequestsPerChild?: number;
}

export interface RunOptions {
  /** Kills the child and rejects with the signal's reason. */
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void | Promise<void>;
}

const CRASH_WORDING = {
  "out-of-memory": "ran out of memory",
  "memory-limit": "went over its memory limit",
  killed: "killed",
  crashed: "crashed",
};

/** The child died before it answered, or went over its memory limit and was stopped. */
export class ChildCrashError extends Error {
  override readonly name = "ChildCrashError";
  constructor(
    /** `out-of-memory`: its JavaScript heap; `memory-limit`: its memory as a whole (see memoryLimitBytes). */
    readonly kind: keyof typeof CRASH_WORDING,
    detail: string,
  ) {
    super(`child process ${CRASH_WORDING[kind]} (${detail})`);
  }
}

/** The child's handler threw; `owner`: its message is written for the document's owner. */
export class ChildTaskError extends Error {
  override readonly name = "ChildTaskError";
  constructor(
    message: string,
    /** Set when the message is written for the document's owner: the failure's code. */
    readonly owner: { code: string } | null,
  ) {
    super(message);
  }
}

interface Slot {
  child: ChildProcess;
  requests: number;
  /** The end of the child's stderr, where V8 says it ran out of memory. */
  stderr: string;
  /** Set when the pool stopped the child for its resident memory: what it measured. */
  overLimit?: string;
}

const STDERR_TAIL = 8192;
/**
 * A native allocation refused (by the data limit, see ./sandbox.ts): V8 outside its heap, C++ and
 * Rust code, or an ArrayBuffer nobody caught.
 */
const MEMORY_LIMIT = /process out of memory|std::bad_alloc|memory allocation of \d+ bytes failed|failed to initiate panic|Array buffer allocation failed/i;
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|Allocation failed|Invalid array length/i;
/** How often a busy child's resident memory is read. */
const SAMPLE_EVERY_MS = 100;

export class ChildPool<T, R> {
  private readonly idle: Slot[] = [];
  private nextId = 1;

  constructor(
    private readonly entry: URL,
    private readonly settings: ChildPoolSettings,
  ) {}

  /**
   * Runs one request in a child; rejects with ChildCrashError, ChildTaskError or the abort
   * reason. A reused child that dies gets one more try in a fresh child, so a crash is always
   * the request's own doing, never what earlier requests left behind.
   */
  async run(request: T, options: RunOptions = {}): Promise<R> {
    options.signal?.throwIfAborted();
    const reused = this.idle.pop();
    if (reused) {
      try {
        return await this.runIn(reused, request, options);
      } catch (error) {
        if (!(error instanceof ChildCrashError)) throw error;
      }
    }
    return this.runIn(this.spawn(), request, options);
  }

  private runIn(slot: Slot, request: T, { signal, onProgress }: RunOptions): Promise<R> {
    signal?.throwIfAborted();
    const { child } = slot;
    setReferenced(child, true);
    slot.stderr = "";
    const id = this.nextId++;
    let progress: Promise<void> = Promise.resolve();

    return new Promise<R>((resolve, reject) => {
      const stopWatching = this.watchMemory(slot);
      const cleanup = () => {
        stopWatching();
        child.off("message", onMessage);
        child.off("exit", onExit);
        child.off("error", onError);
        signal?.removeEventListener("abort", onAbort);
      };
      const onMessage = (message: ChildMessage<R>) => {
        if (message?.id !== id) return;
        if (message.type === "progress") {
          // A failing report (the progress store is away) fails the run, as it would in-process.
          progress = progress.then(() => onProgress?.(message.fraction)).catch((error: unknown) => {
            cleanup();
            stop(child, "SIGKILL");
            reject(error);
          });
          return;
        }
        cleanup();
        if (message.type === "over-limit") {
          // Its memory is past knowing: it is not given another request.
          stop(child, "SIGKILL");
          countParserKill("memory");
          reject(new ChildCrashError("memory-limit", message.detail));
          return;
        }
        this.release(slot, message.type === "done" ? message.heapUsed : 0);
        if (message.type === "done") void progress.then(() => resolve(message.result));
        else reject(new ChildTaskError(message.message, message.owner));
      };
      const onExit = (code: number | null, signalName: NodeJS.Signals | null) => {
        cleanup();
        const error = slot.overLimit ? new ChildCrashError("memory-limit", slot.overLimit) : crash(code, signalName, slot.stderr);
        countParserKill(error.kind === "memory-limit" || error.kind === "out-of-memory" ? "memory" : "crash");
        reject(error);
      };
      const onError = (error: Error) => {
        cleanup();
        stop(child, "SIGKILL");
        reject(error);
      };
      const onAbort = () => {
        cleanup();
        stop(child, "SIGKILL");
        // The time limit aborts with a TimeoutError; anything else is the job being stopped.
        countParserKill((signal!.reason as Error | undefined)?.name === "TimeoutError" ? "time" : "cancelled");
        reject(signal!.reason);
      };
      child.on("message", onMessage);
      child.once("exit", onExit);
      child.once("error", onError);
      signal?.addEventListener("abort", onAbort, { once: true });
      const message: ChildRequest<T> = { id, request };
      child.send(message, (error) => error && onError(error));
    });
  }

  /** Stops every idle child (busy ones end with their request). */
  close(): void {
    for (const slot of this.idle.splice(0)) stop(slot.child);
  }

  /**
   * Reads the resident memory of a busy child and of the processes it started every 100 ms, and
   * stops them past the limit: the backstop for what the data limit does not count (shared
   * mappings, stacks, and processes, which each get a data limit of their own).
   */
  private watchMemory(slot: Slot): () => void {
    const limit = memoryLimitBytes(this.settings);
    let watching = true;
    const timer = setInterval(() => {
      void treeResidentBytes(slot.child.pid).then((bytes) => {
        // A sample that comes back after the request ended is not this request's.
        if (!watching || bytes <= limit || slot.child.exitCode !== null) return;
        slot.overLimit = `resident memory ${mb(bytes)} MB, over the ${mb(limit)} MB limit`;
        stop(slot.child, "SIGKILL");
      });
    }, SAMPLE_EVERY_MS);
    timer.unref();
    return () => {
      watching = false;
      clearInterval(timer);
    };
  }

  private spawn(): Slot {
    const file = fileURLToPath(this.entry);
    // From source, the child needs the same TypeScript loader as the worker.
    const loader = file.endsWith(".ts") ? ["--import", "tsx"] : [];
    const node = [process.execPath, ...loader, `--max-old-space-size=${this.settings.memoryMb}`, "--expose-gc"];
    const [execPath, ...execArgv] = limitedExec(node, memoryLimitBytes(this.settings));
    const child = fork(file, [], {
      execPath,
      execArgv,
      env: childEnvironment(),
      ...childUser(this.settings.user),
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
      // Its own process group, so that stopping it stops what it started too.
      detached: true,
    });
    const slot: Slot = { child, requests: 0, stderr: "" };
    metrics().parserChildren.inc();
    child.once("exit", () => metrics().parserChildren.dec());
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      slot.stderr = (slot.stderr + chunk).slice(-STDERR_TAIL);
    });
    // An idle child that dies is simply forgotten.
    child.once("exit", () => {
      const index = this.idle.indexOf(slot);
      if (index !== -1) this.idle.splice(index, 1);
    });
    return slot;
  }

  /** Back to the idle list, or retired (worn out, or holding more than half its heap limit). */
  private release(slot: Slot, heapUsed: number): void {
    slot.requests += 1;
    const { maxIdle = 2, maxRequestsPerChild = 50, memoryMb } = this.settings;
    const heavy = heapUsed > (memoryMb * 1024 * 1024) / 2;
    if (heavy || slot.requests >= maxRequestsPerChild || this.idle.length >= maxIdle || slot.child.exitCode !== null) {
      stop(slot.child);
      return;
    }
    // An idle child does not keep the worker alive.
    setReferenced(slot.child, false);
    this.idle.push(slot);
  }
}

function setReferenced(child: ChildProcess, referenced: boolean): void {
  const channel = child.channel as { ref(): void; unref(): void } | null | undefined;
  if (referenced) {
    child.ref();
    channel?.ref();
  } else {
    child.unref();
    channel?.unref();
  }
}

/** Stops a child and the processes it started (its process group). */
function stop(child: ChildProcess, signal: NodeJS.Signals = "SIGTERM"): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** The resident memory of a process and of every process it started, from /proc (0 once gone). */
async function treeResidentBytes(pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const [status, children] = await Promise.all([readFile(`/proc/${pid}/status`, "utf8").catch(() => ""), childPids(pid)]);
  const own = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
  const below = await Promise.all(children.map(treeResidentBytes));
  return below.reduce((sum, bytes) => sum + bytes, own);
}

async function childPids(pid: number): Promise<number[]> {
  const threads = await readdir(`/proc/${pid}/task`).catch(() => []);
  const lists = await Promise.all(threads.map((tid) => readFile(`/proc/${pid}/task/${tid}/children`, "utf8").catch(() => "")));
  return lists.join(" ").split(/\s+/).filter(Boolean).map(Number);
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

function crash(code: number | null, signal: NodeJS.Signals | null, stderr: string): ChildCrashError {
  const detail = signal ? `signal ${signal}` : `exit code ${code}`;
  if (MEMORY_LIMIT.test(stderr)) return new ChildCrashError("memory-limit", detail);
  if (OUT_OF_MEMORY.test(stderr)) return new ChildCrashError("out-of-memory", detail);
  // Nobody here sends SIGKILL to a busy child except on abort; the system does when memory runs out.
  if (signal === "SIGKILL") return new ChildCrashError("killed", detail);
  return new ChildCrashError("crashed", detail);
}
