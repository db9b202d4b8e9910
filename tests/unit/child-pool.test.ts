/** Work in child processes: a crash, an out-of-memory or a hang ends the child, never this process. */
import { execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { chmod, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ChildCrashError, ChildPool, ChildTaskError, type ChildPoolSettings } from "@/lib/isolation/child-pool";
import { metrics } from "@/lib/metrics/registry";
import { CRASH_MESSAGES, extractTextIsolated } from "@/lib/parsing/isolated";
import { DocumentError } from "@/lib/parsing";
import { fixturePath } from "../fixtures";
import type { ModeRequest, ModeResult } from "./children/modes";

const SETTINGS: ChildPoolSettings = { memoryMb: 128, offHeapMb: 256, user: "nobody" };
const LIMIT_BYTES = (128 + 256) * 2 ** 20;
const pools: ChildPool<ModeRequest, ModeResult>[] = [];
const newPool = () => {
  const made = new ChildPool<ModeRequest, ModeResult>(new URL("./children/modes.ts", import.meta.url), SETTINGS);
  pools.push(made);
  return made;
};
const pool = newPool();
afterAll(() => pools.forEach((p) => p.close()));

const asRoot = process.getuid?.() === 0;

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

/** The processes whose command line holds `marker`. */
async function processesMarked(marker: string): Promise<number[]> {
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name));
  const marked = await Promise.all(pids.map(async (pid) => ((await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "")).includes(marker) ? Number(pid) : 0)));
  return marked.filter(Boolean);
}

describe("a child's memory limit", { timeout: 60_000 }, () => {
  it("is an OS limit on its data segment, with no file writes and no core dumps", async () => {
    const { value } = await pool.run({ mode: "limits" });
    const limit = (name: string) => new RegExp(`^${name}\\s+(\\S+)\\s+(\\S+)`, "m").exec(value as string)?.slice(1);
    expect(limit("Max data size")).toEqual([String(LIMIT_BYTES), String(LIMIT_BYTES)]);
    expect(limit("Max file size")).toEqual(["0", "0"]);
    expect(limit("Max core file size")).toEqual(["0", "0"]);
  });

  it("refuses an allocation over it, caught or not, as over the limit, and the next request gets a new child", async () => {
    const { pid } = await pool.run({ mode: "answer" });
    for (const mode of ["huge-buffer", "huge-buffer-recovered"] as const) {
      const error = await failure(pool.run({ mode }));
      expect(error, mode).toBeInstanceOf(ChildCrashError);
      expect((error as ChildCrashError).kind, mode).toBe("memory-limit");
    }
    expect((await pool.run({ mode: "answer" })).pid).not.toBe(pid);
  });

  it("counts the processes a child starts, and stops them with it", async () => {
    const marker = `hog-${randomUUID()}`;
    const error = await failure(pool.run({ mode: "memory-in-processes", path: marker }));
    expect(error).toBeInstanceOf(ChildCrashError);
    expect(error).toMatchObject({ kind: "memory-limit", message: expect.stringMatching(/resident memory \d+ MB, over the 384 MB limit/) });
    await expect.poll(() => processesMarked(marker)).toEqual([]);
  });

  it("says so to the document's owner", () => {
    expect(CRASH_MESSAGES["memory-limit"]).toBe("This file needs more memory than allowed.");
  });
});

describe("what a child can reach", { timeout: 60_000 }, () => {
  it("gets only allow-listed settings of the worker's environment", async () => {
    process.env.DOCSUM_CANARY = "a setting the parser does not need";
    process.env.DATABASE_URL ??= "postgresql://user:secret@db/docsum";
    try {
      const { value } = await newPool().run({ mode: "environment" });
      const names = Object.keys(value as NodeJS.ProcessEnv).sort();
      const allowed = ["PATH", "LANG", "LC_ALL", "TZ", "NODE_ENV", "TSX_DISABLE_CACHE", "MIMALLOC_ARENA_RESERVE", "NODE_CHANNEL_FD", "NODE_CHANNEL_SERIALIZATION_MODE"];
      expect(names.filter((name) => !allowed.includes(name))).toEqual([]);
      expect(names).toContain("PATH");
    } finally {
      delete process.env.DOCSUM_CANARY;
    }
  });

  it("writes no file", async () => {
    const target = path.join(tmpdir(), `parser-write-${randomUUID()}`);
    try {
      expect((await pool.run({ mode: "write", path: target })).value).toBe("EFBIG");
      expect((await stat(target).catch(() => null))?.size ?? 0).toBe(0);
    } finally {
      await rm(target, { force: true });
    }
  });

  it.runIf(asRoot)("as root: runs as an unprivileged user that cannot read the worker's environment or write the project", async () => {
    const nobody = { uid: Number(execFileSync("id", ["-u", "nobody"], { encoding: "utf8" })), gid: Number(execFileSync("id", ["-g", "nobody"], { encoding: "utf8" })) };
    const { value } = await pool.run({ mode: "identity" });
    expect(value).toMatchObject({ ...nobody, parentEnvironment: "EACCES" });
    expect((value as { groups: number[] }).groups).not.toContain(0);
    const target = path.join(import.meta.dirname, `written-${randomUUID()}`);
    try {
      expect((await pool.run({ mode: "write", path: target })).value).toBe("EACCES");
    } finally {
      await rm(target, { force: true });
    }
  });

  it.runIf(asRoot)("as root: reads a document it cannot open itself, from the bytes the worker hands it", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "stored-"));
    try {
      await chmod(dir, 0o700);
      const file = path.join(dir, "note.txt");
      await writeFile(file, "A note kept where only the worker can read it.", { mode: 0o600 });
      expect((await pool.run({ mode: "read", path: file })).value).toBe("EACCES");
      const { text } = await extractTextIsolated(file, "text/plain", { memoryMb: 256 });
      expect(text).toBe("A note kept where only the worker can read it.");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
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

describe("ChildPool metrics", { timeout: 60_000 }, () => {
  const kills = async (reason: string) =>
    (await metrics().registry.getMetricsAsJSON()).find((m) => m.name === "docsum_parser_kills_total")?.values.find((v) => v.labels.reason === reason)?.value ?? 0;
  const children = async () => (await metrics().registry.getMetricsAsJSON()).find((m) => m.name === "docsum_parser_children")?.values[0]?.value ?? 0;

  /** Resolves once the gauge reads `count` (children exit a moment after they are stopped). */
  const childrenReach = async (count: number) => {
    const deadline = Date.now() + 10_000;
    while ((await children()) !== count) {
      if (Date.now() > deadline) throw new Error(`docsum_parser_children stayed ${await children()}, not ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };

  it("counts live children, and children stopped for a crash or the time limit", async () => {
    // The earlier tests' children are stopped first, so every child alive is this test's.
    pools.forEach((p) => p.close());
    await childrenReach(0);
    const before = { crash: await kills("crash"), time: await kills("time") };
    const fresh = newPool();
    await fresh.run({ mode: "answer" });
    // The healthy child waits for the next request.
    expect(await children()).toBe(1);
    const crashing = newPool();
    expect(await failure(crashing.run({ mode: "exit" }))).toBeInstanceOf(ChildCrashError);
    expect(await kills("crash")).toBe(before.crash + 1);
    const error = await failure(fresh.run({ mode: "hang" }, { signal: AbortSignal.timeout(300) }));
    expect(error.name).toBe("TimeoutError");
    expect(await kills("time")).toBe(before.time + 1);
    await childrenReach(0);
  });
});
