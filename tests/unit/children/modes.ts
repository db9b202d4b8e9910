/** A child entry for the child-pool tests: each request names how this child should behave. */
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { serve } from "@/lib/isolation/protocol";
import { DocumentError } from "@/lib/parsing/errors";

export type Mode =
  | "answer"
  | "out-of-memory"
  | "exit"
  | "segfault"
  | "hang"
  | "owner-error"
  | "error"
  | "environment"
  | "identity"
  | "limits"
  | "read"
  | "write"
  | "huge-buffer"
  | "huge-buffer-recovered"
  | "memory-in-processes";

export interface ModeRequest {
  mode: Mode;
  /** The file "read" and "write" try; the marker of the processes "memory-in-processes" starts. */
  path?: string;
}

export interface ModeResult {
  pid: number;
  value?: unknown;
}

const GiB = 2 ** 30;

/** What a failed file operation says (its code), or `done`. */
function attempt(operation: () => unknown): string {
  try {
    operation();
    return "done";
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

/** Starts two processes that hold 230 MB each, and waits until both do. */
async function memoryInProcesses(marker: string): Promise<void> {
  const hold = `const b = Buffer.alloc(230 * 2 ** 20, 1); process.stdout.write("ready"); setTimeout(() => b, 10_000);`;
  await Promise.all(
    [1, 2].map(
      () =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, ["-e", hold, marker], { stdio: ["ignore", "pipe", "inherit"] });
          child.once("error", reject);
          child.stdout.once("data", () => resolve());
        }),
    ),
  );
}

serve<ModeRequest, ModeResult>(async ({ mode, path = "" }, onProgress) => {
  const pid = process.pid;
  switch (mode) {
    case "answer":
      onProgress(0.5);
      return { pid };
    case "out-of-memory": {
      const hoard: string[][] = [];
      for (;;) hoard.push(Array.from({ length: 100_000 }, (_, i) => `item ${i} ${hoard.length}`));
    }
    case "exit":
      process.exit(3);
    // eslint-disable-next-line no-fallthrough
    case "segfault":
      process.kill(process.pid, "SIGSEGV");
      return new Promise<never>(() => {});
    case "hang":
      return new Promise<never>(() => {});
    case "owner-error":
      throw new DocumentError("This file is not what it claims to be.");
    case "error":
      throw new Error("disk went away");
    case "environment":
      return { pid, value: { ...process.env } };
    case "identity":
      return { pid, value: { uid: process.getuid!(), gid: process.getgid!(), groups: process.getgroups!(), parentEnvironment: attempt(() => readFileSync(`/proc/${process.ppid}/environ`)) } };
    case "limits":
      return { pid, value: readFileSync("/proc/self/limits", "utf8") };
    case "read":
      return { pid, value: attempt(() => readFileSync(path)) };
    case "write":
      return { pid, value: attempt(() => writeFileSync(path, "written by a parser child")) };
    case "huge-buffer":
      return { pid, value: new ArrayBuffer(2 * GiB).byteLength };
    case "huge-buffer-recovered":
      // What pdf.js does with an error inside a page: warn, and go on.
      try {
        new ArrayBuffer(2 * GiB);
      } catch (error) {
        console.warn(`Warning: ignoring errors during a task: "${error}".`);
      }
      return { pid };
    case "memory-in-processes":
      await memoryInProcesses(path);
      await new Promise((resolve) => setTimeout(resolve, 5000));
      return { pid };
  }
});
