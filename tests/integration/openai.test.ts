/**
 * The job chain against an OpenAI-compatible API: a second real stack (web + worker processes)
 * with AI_PROVIDER=openai, talking through the real `openai` SDK to the fake API of
 * tests/fake-openai.ts, which is told to fail in the ways real APIs do.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RedisRateLimiter } from "@/lib/ai/rate-limit";
import { FakeOpenAi, fakeSummary, type RecordedRequest } from "../fake-openai";
import { startOwnStack, TEST_REDIS_URL, type Stack } from "../harness";
import { getDocument, ProgressWatcher, upload, api } from "./client";

/**
 * This stack's own database: the suite's first stack keeps running, and its reconciler would
 * take this stack's documents, waiting out a 429, for lost ones of its own.
 */
const DATABASE = "docsum_openai";

const CHAT = "/v1/chat/completions";
const EMBEDDINGS = "/v1/embeddings";
/** Low enough to measure: one AI request a second across all worker processes. */
const REQUESTS_PER_MINUTE = 60;
const REQUEST_SPACING_MS = 60_000 / REQUESTS_PER_MINUTE;
/** Request times are taken on arrival at the fake: a busy event loop or a new connection delays some. */
const CLOCK_SLACK_MS = 250;

const fake = new FakeOpenAi();
let stack: Stack;
let watcher: ProgressWatcher;
let close: () => Promise<void>;

beforeAll(async () => {
  await fake.start();
  // Its own database and Redis database: resetting them must not touch the shared stack's.
  const redisUrl = new URL(TEST_REDIS_URL);
  redisUrl.pathname = "/3";
  ({ stack, watcher, close } = await startOwnStack(DATABASE, {
    REDIS_URL: redisUrl.toString(),
    AI_PROVIDER: "openai",
    OPENAI_API_KEY: "test-key",
    OPENAI_BASE_URL: fake.baseURL,
    SUMMARY_MODEL: "gpt-test",
    EMBEDDING_MODEL: "embed-test",
    AI_REQUESTS_PER_MINUTE: String(REQUESTS_PER_MINUTE),
    AI_TIMEOUT_MS: "5000",
    // Two attempts: a 429 that used one up would leave no second chance after another 429.
    JOB_ATTEMPTS: "2",
  }, { watch: true }));
});

afterAll(async () => {
  await close?.();
  await fake.stop();
});

beforeEach(() => fake.reset());

/** Uploads one text document and waits until it is done, failed or cancelled. */
async function processText(text: string) {
  const { status, body } = await upload(stack.baseURL, [{ name: `${randomUUID()}.txt`, data: text, type: "text/plain" }]);
  expect(status).toBe(202);
  const id = body.documents![0].id;
  await watcher.waitForFinal([id], 120_000);
  return (await getDocument(stack.baseURL, id)).body;
}

/** For every run of consecutive requests, how much sooner than the limit allows its last one came (ms; ≤ 0 is within it). */
function earliness(requests: RecordedRequest[], spacingMs: number): number {
  const times = requests.map((request) => request.time).sort((a, b) => a - b);
  let worst = -Infinity;
  for (let i = 0; i < times.length; i++) {
    for (let j = i + 1; j < times.length; j++) worst = Math.max(worst, (j - i) * spacingMs - (times[j] - times[i]));
  }
  return worst;
}

describe("documents summarized and embedded by an OpenAI-compatible API", () => {
  it("ends done with the API's summary, naming the provider and model", async () => {
    const text = "Release notes for version 2. The importer now reads Markdown tables and keeps their alignment.";
    const doc = await processText(text);
    expect(doc).toMatchObject({ status: "done", provider: "openai", summaryModel: "gpt-test", error: null });
    // The model sees the document's title (the file name) before its text.
    expect(doc.summary).toBe(fakeSummary(`<document>\n<title>${doc.title}</title>\n\n${text}\n</document>`));
    expect(fake.requestsTo(CHAT)).toHaveLength(1);
    expect(fake.requestsTo(EMBEDDINGS)).toHaveLength(1);
    expect(fake.requests.every((request) => request.authorization === "Bearer test-key")).toBe(true);
  });

  it("pauses the queue for the time a 429 asks, without using up an attempt", async () => {
    fake.fail(CHAT, { kind: "rate-limit", retryAfterSeconds: 2 }, 2);
    const doc = await processText("Meeting minutes. The team agreed to move the release to Thursday after the rate-limit review.");
    expect(doc.status).toBe("done");
    const calls = fake.requestsTo(CHAT).map((request) => request.time);
    expect(calls).toHaveLength(3);
    // No AI call at all, to any endpoint, until each Retry-After has passed.
    for (const refusedAt of calls.slice(0, 2)) {
      const early = fake.requests.filter((request) => request.time > refusedAt && request.time < refusedAt + 2_000 - CLOCK_SLACK_MS);
      expect(early).toEqual([]);
    }
  });

  it("retries a 500 with backoff and ends done", async () => {
    fake.fail(CHAT, { kind: "status", status: 500 });
    const doc = await processText("Incident report. The database failover took forty seconds and nobody lost data.");
    expect(doc.status).toBe("done");
    const [failed, retried] = fake.requestsTo(CHAT).map((request) => request.time);
    // The polynomial backoff waits about 3 s before the second attempt.
    expect(retried - failed).toBeGreaterThanOrEqual(2_500);
  });

  it("fails at once on 401 with a message for the owner", async () => {
    fake.fail(CHAT, { kind: "status", status: 401 });
    const doc = await processText("Budget draft. Travel costs rise by five percent next year.");
    expect(doc.status).toBe("failed");
    expect(doc.error).toBe("The AI service refused the API key.");
    expect(fake.requestsTo(CHAT)).toHaveLength(1);
  });

  it("retries a failed document from the stage that failed, keeping the text already extracted", async () => {
    fake.fail(CHAT, { kind: "status", status: 401 });
    const failed = await processText("Supplier review. Two suppliers missed their delivery dates twice this quarter.");
    expect(failed).toMatchObject({ status: "failed", stage: "summarize" });
    const retry = await api(stack.baseURL, `/api/documents/${failed.id}/retry`, { method: "POST" });
    expect(retry.status).toBe(200);
    await watcher.waitForFinal([failed.id], 60_000);
    const deadline = Date.now() + 60_000;
    let doc = (await getDocument(stack.baseURL, failed.id)).body;
    while (doc.status !== "done" && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      doc = (await getDocument(stack.baseURL, failed.id)).body;
    }
    expect(doc.status).toBe("done");
    // Extraction ran once; summarizing ran twice (refused, then retried).
    expect(doc.runs.filter((run) => run.stage === "extract")).toHaveLength(1);
    expect(doc.runs.filter((run) => run.stage === "summarize").map((run) => run.outcome)).toEqual(["failed", "done"]);
  });

  it("cancels a document while its summary is being made, aborting the API call", async () => {
    fake.fail(CHAT, { kind: "slow", delayMs: 15_000 });
    const { body } = await upload(stack.baseURL, [{ name: `${randomUUID()}.txt`, data: "Quarterly plan. Hiring pauses until the new office opens in spring.", type: "text/plain" }]);
    const id = body.documents![0].id;
    const deadline = Date.now() + 30_000;
    while (fake.requestsTo(CHAT).length === 0) {
      if (Date.now() > deadline) throw new Error("the summary request never came");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const cancel = await api(stack.baseURL, `/api/documents/${id}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(200);
    expect(await cancel.json()).toMatchObject({ status: "cancelled" });
    // The request is dropped long before the slow answer would have come, and nothing follows it.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(fake.abandoned).toBe(1);
    const doc = (await getDocument(stack.baseURL, id)).body;
    expect(doc.status).toBe("cancelled");
    expect(doc.runs.find((run) => run.stage === "summarize")?.outcome).toBe("cancelled");
    expect(fake.requestsTo(EMBEDDINGS)).toHaveLength(0);
  });

  it("keeps two worker processes together under AI_REQUESTS_PER_MINUTE", async () => {
    // The second process tells its requests apart by its key; it shares the first one's budget.
    const second = await stack.startWorker({ WORKER_QUEUES: "ai", OPENAI_API_KEY: "second-worker-key" });
    expect(second.pid).toBeGreaterThan(0);
    const texts = Array.from({ length: 8 }, (_, i) => `Field note ${i}: sample ${randomUUID()} showed ${i + 3} colonies after two days.`);
    const answers = await Promise.all(texts.map((text, i) => upload(stack.baseURL, [{ name: `note-${i}.txt`, data: text, type: "text/plain" }])));
    const ids = answers.map((answer) => answer.body.documents![0].id);
    const finals = await watcher.waitForFinal(ids, 150_000);
    expect([...finals.values()].every((event) => event.status === "done")).toBe(true);

    expect(fake.requests).toHaveLength(16);
    expect(new Set(fake.requests.map((request) => request.authorization))).toEqual(new Set(["Bearer test-key", "Bearer second-worker-key"]));
    // Any n + 1 requests span at least n spacings: never more than the limit in any minute.
    expect(earliness(fake.requests, REQUEST_SPACING_MS)).toBeLessThanOrEqual(CLOCK_SLACK_MS);
  });
});

describe("RedisRateLimiter", () => {
  const redis = [new Redis(TEST_REDIS_URL), new Redis(TEST_REDIS_URL)];
  afterAll(() => Promise.all(redis.map((client) => client.quit())));

  it("spaces the calls of several processes evenly and holds them all back during a pause", async () => {
    const key = `limiter-test-${randomUUID()}`;
    const limiters = redis.map((client) => new RedisRateLimiter(client, { requestsPerMinute: 600, tokensPerMinute: 1_000_000 }, key));
    // Ten calls at 600 a minute: the last start 900 ms after the first at the earliest (timers may fire a few ms early).
    const asked = Date.now();
    await Promise.all(Array.from({ length: 10 }, (_, i) => limiters[i % 2].acquire(10)));
    expect(Date.now() - asked).toBeGreaterThanOrEqual(895);

    const pausedAt = Date.now();
    await limiters[0].pause(500);
    await limiters[1].acquire(10);
    expect(Date.now() - pausedAt).toBeGreaterThanOrEqual(480);
  });

  it("spaces calls by their tokens too, and gives up waiting when aborted", async () => {
    const key = `limiter-test-${randomUUID()}`;
    // One token a millisecond; requests alone would not hold anything back.
    const limiter = new RedisRateLimiter(redis[0], { requestsPerMinute: 600_000, tokensPerMinute: 60_000 }, key);
    const asked = Date.now();
    await limiter.acquire(300);
    await limiter.acquire(1);
    expect(Date.now() - asked).toBeGreaterThanOrEqual(295);
    // The next turn is 5 s away; the abort ends the wait long before.
    await limiter.acquire(5_000);
    const aborted = new AbortController();
    setTimeout(() => aborted.abort(), 50);
    const waitedFrom = Date.now();
    await expect(limiter.acquire(1, aborted.signal)).rejects.toThrow();
    expect(Date.now() - waitedFrom).toBeLessThan(1_000);
  });
});
