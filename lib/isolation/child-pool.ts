/**
 * Runs untrusted work (parsing uploaded files) in child processes with a heap limit, so a crash
 * or an out-of-memory takes down the child, never the worker. Children are reused while healthy
 * (starting one costs a few hundred milliseconds); one that crashed, timed out or was aborted is
 * killed and replaced, and each is retired after a number of requests.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { ChildMessage, ChildRequest } from "./protocol";

export interface ChildPoolSettings {
  /** The V8 heap limit of each child (--max-old-space-size). */
  memoryMb: number;
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

/** The child died before it answered. */
export class ChildCrashError extends Error {
  override readonly name = "ChildCrashError";
  constructor(
    readonly kind: "out-of-memory" | "killed" | "crashed",
    detail: string,
  ) {
    super(`child process ${kind === "out-of-memory" ? "ran out of memory" : kind} (${detail})`);
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
}

const STDERR_TAIL = 8192;
const OUT_OF_MEMORY = /heap out of memory|Reached heap limit|Allocation failed|Invalid array length|Array buffer allocation failed/i;
/** Settings the child does not need: it reads a file and answers, nothing more. */
const PRIVATE_ENV = /KEY|SECRET|TOKEN|PASSWORD|DATABASE_URL|REDIS_URL/i;

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
      const cleanup = () => {
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
            child.kill("SIGKILL");
            reject(error);
          });
          return;
        }
        cleanup();
        this.release(slot, message.type === "done" ? message.heapUsed : 0);
        if (message.type === "done") void progress.then(() => resolve(message.result));
        else reject(new ChildTaskError(message.message, message.owner));
      };
      const onExit = (code: number | null, signalName: NodeJS.Signals | null) => {
        cleanup();
        reject(crash(code, signalName, slot.stderr));
      };
      const onError = (error: Error) => {
        cleanup();
        child.kill("SIGKILL");
        reject(error);
      };
      const onAbort = () => {
        cleanup();
        child.kill("SIGKILL");
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
    for (const slot of this.idle.splice(0)) slot.child.kill();
  }

  private spawn(): Slot {
    const file = fileURLToPath(this.entry);
    // From source, the child needs the same TypeScript loader as the worker.
    const loader = file.endsWith(".ts") ? ["--import", "tsx"] : [];
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !PRIVATE_ENV.test(name))) as NodeJS.ProcessEnv;
    const child = fork(file, [], {
      execArgv: [...loader, `--max-old-space-size=${this.settings.memoryMb}`, "--expose-gc"],
      env,
      stdio: ["ignore", "ignore", "pipe", "ipc"],
      serialization: "advanced",
    });
    const slot: Slot = { child, requests: 0, stderr: "" };
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
      slot.child.kill();
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

function crash(code: number | null, signal: NodeJS.Signals | null, stderr: string): ChildCrashError {
  const detail = signal ? `signal ${signal}` : `exit code ${code}`;
  if (OUT_OF_MEMORY.test(stderr)) return new ChildCrashError("out-of-memory", detail);
  // Nobody here sends SIGKILL to a busy child except on abort; the system does when memory runs out.
  if (signal === "SIGKILL") return new ChildCrashError("killed", detail);
  return new ChildCrashError("crashed", detail);
}
