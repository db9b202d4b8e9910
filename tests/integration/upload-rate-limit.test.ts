/** The per-owner upload rate: files a minute, counted in Redis, so it holds across web processes. */
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnStack, startProcess, stopProcess, testRedisDatabase, type Stack } from "../harness";
import { createAccount, isHealthy, listDocuments, upload } from "./client";

const LIMIT = 5;
let stack: Stack;
let close: () => Promise<void>;
let secondWeb: ChildProcess | undefined;

beforeAll(async () => {
  ({ stack, close } = await startOwnStack("docsum_upload_rate", {
    REDIS_URL: testRedisDatabase(2),
    UPLOAD_FILES_PER_MINUTE: String(LIMIT),
  }));
});

afterAll(async () => {
  if (secondWeb) await stopProcess(secondWeb);
  await close?.();
});

const note = (i: number) => ({ name: `note-${i}.txt`, data: `Rate limit note ${i} ${randomUUID()}.` });

async function storedState(baseURL = stack.baseURL) {
  return { documents: (await listDocuments(baseURL)).length, files: (await readdir(stack.env.STORAGE_DIR)).length };
}

function expectRefused(answer: Awaited<ReturnType<typeof upload>>) {
  expect(answer.status).toBe(429);
  const retryAfter = Number(answer.headers.get("retry-after"));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(answer.body.error).toBe(`Too many uploads: at most ${LIMIT} files a minute. Try again in ${retryAfter} second${retryAfter === 1 ? "" : "s"}.`);
}

describe("upload rate limit", () => {
  it("counts files: refuses with 429 and Retry-After the request that would pass the limit, keeping nothing of it", async () => {
    expect((await upload(stack.baseURL, [note(1), note(2), note(3)])).status).toBe(202);
    const before = await storedState();
    expectRefused(await upload(stack.baseURL, [note(4), note(5), note(6)]));
    expect(await storedState()).toEqual(before);
  });

  it("accepts what still fits, then refuses even one more file", async () => {
    expect((await upload(stack.baseURL, [note(7), note(8)])).status).toBe(202);
    const before = await storedState();
    expectRefused(await upload(stack.baseURL, [note(9)]));
    expect(await storedState()).toEqual(before);
  });

  it("counts each person's files on their own", async () => {
    const other = await createAccount(stack.baseURL, `other-${randomUUID().slice(0, 8)}@example.com`);
    expectRefused(await upload(stack.baseURL, [note(20)]));
    expect((await upload(stack.baseURL, [note(21), note(22)], other.token)).status).toBe(202);
  });

  it("holds across web processes", async () => {
    const port = String(Number(new URL(stack.baseURL).port) + 1);
    secondWeb = startProcess("web-2", "server.ts", { ...stack.env, PORT: port });
    const baseURL = `http://127.0.0.1:${port}`;
    while (!(await isHealthy(baseURL))) {
      expect(secondWeb.exitCode).toBeNull();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const before = await storedState(baseURL);
    expectRefused(await upload(baseURL, [note(10)]));
    expect(await storedState(baseURL)).toEqual(before);
  });
});
