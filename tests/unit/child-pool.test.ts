/** Work in child processes: a crash, an out-of-memory or a hang ends the child, never this process. */
import { afterAll, describe, expect, it } from "vitest";
import { ChildCrashError, ChildPool, ChildTaskError } from "@/lib/isolation/child-pool";
import { CRASH_MESSAGES, extractTextIsolated } from "@/lib/parsing/isolated";
import { DocumentError } from "@/lib/parsing";
import { fixturePath } from "../fixtures";
import type { Mode } from "./children/modes";

const pool = new ChildPool<{ mode: Mode }, { pid: number }>(new URL("./children/modes.ts", import.meta.url), { memoryMb: 128 });
afterAll(() => pool.close());

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: Error) => error,
  );
}

describe("ChildPool", { timeout: 60_000 }, () => {
  it("answers from a child process, with its progress, and reuses a healthy child", async () => {
    const progress: number[] = [];
    const first = await pool.run({ mode: "answer" }, { onProgress: (f) => void progress.push(f) });
    const second = await pool.run({ mode: "answer" });
    expect(first.pid).not.toBe(process.pid);
    expect(second.pid).toBe(first.pid);
    expect(progress).toEqual([0.5]);
  });

  it("reports an out-of-memory in the child as such, and the next request gets a new child", async () => {
    const { pid } = await pool.run({ mode: "answer" });
    const error = await failure(pool.run({ mode: "out-of-memory" }));
    expect(error).toBeInstanceOf(ChildCrashError);
    expect((error as ChildCrashError).kind).toBe("out-of-memory");
    const after = await pool.run({ mode: "answer" });
    expect(after.pid).not.toBe(pid);
  });

  it("reports a child that exits or is killed by a signal as crashed", async () => {
    for (const mode of ["exit", "segfault"] as const) {
      const error = await failure(pool.run({ mode }));
      expect(error, mode).toBeInstanceOf(ChildCrashError);
      expect((error as ChildCrashError).kind, mode).toBe("crashed");
    }
  });

  it("kills a child that hangs when the signal aborts", async () => {
    const controller = new AbortController();
    const running = pool.run({ mode: "hang" }, { signal: controller.signal, onProgress: () => controller.abort(new Error("time is up")) });
    controller.abort(new Error("time is up"));
    const error = await failure(running);
    expect(error.message).toBe("time is up");
    expect((await pool.run({ mode: "answer" })).pid).toBeGreaterThan(0);
  });

  it("passes the child's errors on, marking those written for the owner, and keeps the child", async () => {
    const { pid } = await pool.run({ mode: "answer" });
    const owner = await failure(pool.run({ mode: "owner-error" }));
    expect(owner).toBeInstanceOf(ChildTaskError);
    expect(owner).toMatchObject({ owner: { code: "unreadable-file" }, message: "This file is not what it claims to be." });
    const internal = await failure(pool.run({ mode: "error" }));
    expect(internal).toMatchObject({ owner: null, message: "disk went away" });
    expect((await pool.run({ mode: "answer" })).pid).toBe(pid);
  });
});

describe("extractTextIsolated", () => {
  it("reads a PDF in a child process", async () => {
    const { text, pages, truncated } = await extractTextIsolated(fixturePath("graphicx.pdf"), "application/pdf", { memoryMb: 256 });
    expect(pages).toBeGreaterThan(1);
    expect(text.length).toBeGreaterThan(1000);
    expect(truncated).toBe(false);
  }, 60_000);

  it("turns the child's failures into messages for the owner", async () => {
    const error = await failure(extractTextIsolated(fixturePath("no-such-file.pdf"), "application/pdf", { memoryMb: 256 }));
    expect(error).not.toBeInstanceOf(DocumentError);
    expect(CRASH_MESSAGES["out-of-memory"]).toBe("The file could not be read: the parser ran out of memory.");
  }, 60_000);
});
