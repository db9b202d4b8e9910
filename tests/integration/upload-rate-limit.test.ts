/** The per-owner upload rate: files a minute, counted in Redis, so it holds across web processes. */
import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { readdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnStack, startProcess, stopProcess, testRedisDatabase, type Stack } from "../harness";
import { api, createAccount, getDocument, isHealthy, listDocuments, upload } from "./client";

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

/** Waits until each document has finished (done or failed). */
async function waitForFinished(ids: string[], token: string): Promise<void> {
  for (const id of ids) {
    await expect.poll(async () => (await getDocument(stack.baseURL, id, token)).body.status, { timeout: 60_000, interval: 250 }).toMatch(/^(done|failed)$/);
  }
}

async function post(route: string, token: string, body?: unknown) {
  const init: RequestInit = body === undefined ? { method: "POST" } : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  const response = await api(stack.baseURL, route, init, token);
  return { status: response.status, headers: response.headers, body: await response.json() };
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

  it("counts retries and re-runs as uploads of one file each", async () => {
    const person = await createAccount(stack.baseURL, `rerun-${randomUUID().slice(0, 8)}@example.com`);
    const uploaded = await upload(stack.baseURL, [note(30), note(31), { name: "blank.txt", data: " \n\t \n" }], person.token);
    expect(uploaded.status).toBe(202);
    const [first, second, blank] = uploaded.body.documents!.map((d) => d.id);
    await waitForFinished([first, second, blank], person.token);
    expect((await getDocument(stack.baseURL, blank, person.token)).body.status).toBe("failed");

    // Three files uploaded; a retry and a re-run fill the window of five.
    expect((await post(`/api/documents/${blank}/retry`, person.token)).status).toBe(200);
    expect((await post(`/api/documents/${first}/reprocess`, person.token)).status).toBe(200);

    const refused = await post(`/api/documents/${second}/reprocess`, person.token);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.body.error).toBe(
      `Too many retries and re-runs (they count as uploads): at most ${LIMIT} files a minute. Try again in ${retryAfter} second${retryAfter === 1 ? "" : "s"}.`,
    );
    expect((await getDocument(stack.baseURL, second, person.token)).body.status).toBe("done");
    const bulk = await post("/api/documents/actions", person.token, { action: "reprocess", ids: [second] });
    expect(bulk.body.results).toEqual([{ id: second, ok: false, status: 429, error: expect.stringMatching(/^Too many retries and re-runs/) }]);
    expectRefused(await upload(stack.baseURL, [note(32)], person.token));
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
