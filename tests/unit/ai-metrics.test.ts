/**
 * The AI metrics, counted where every call to the API passes: requests by the running job's kind
 * and status, the tokens spent, and the time calls waited for the shared rate limit.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AiRateLimitedError } from "@/lib/ai/errors";
import { OpenAiProvider } from "@/lib/ai/openai";
import { RedisRateLimiter } from "@/lib/ai/rate-limit";
import { withLogContext } from "@/lib/logger";
import { metrics } from "@/lib/metrics/registry";
import type { RedisClient } from "@/lib/redis";
import { FakeOpenAi } from "../fake-openai";

const CHAT = "/v1/chat/completions";
const fake = new FakeOpenAi();

function provider(): OpenAiProvider {
  return new OpenAiProvider({
    apiKey: "test-key",
    baseURL: fake.baseURL,
    summaryModel: "gpt-test",
    embeddingModel: "embed-test",
    timeoutMs: 2_000,
    chunk: { maxTokens: 1000, overlapTokens: 100 },
    tokensPerMinute: 200_000,
    defaultRetryAfterMs: 20_000,
  });
}

/** The value of a counter's series now. */
async function value(name: string, labels: Record<string, string> = {}): Promise<number> {
  const family = (await metrics().registry.getMetricsAsJSON()).find((metric) => metric.name === name);
  const series = family?.values.filter((sample) => Object.entries(labels).every(([key, v]) => sample.labels[key] === v)) ?? [];
  return series.reduce((sum, sample) => sum + sample.value, 0);
}

beforeAll(() => fake.start());
afterAll(() => fake.stop());
beforeEach(() => {
  fake.reset();
  metrics().registry.resetMetrics();
});

describe("AI metrics", () => {
  it("counts a job's requests and tokens under the job's kind, whatever the kind", async () => {
    await withLogContext({ job: "summarize" }, () => provider().summarize("A short note about compression."));
    await withLogContext({ job: "embed" }, () => provider().embed(["one text", "another text"]));
    // A kind the provider knows nothing of (another job of the table) is counted all the same.
    await withLogContext({ job: "questions" }, () => provider().summarize("What does the note say about compression?"));
    expect(await value("docsum_ai_requests_total", { kind: "summarize", status: "ok" })).toBe(1);
    expect(await value("docsum_ai_requests_total", { kind: "embed", status: "ok" })).toBe(1);
    expect(await value("docsum_ai_requests_total", { kind: "questions", status: "ok" })).toBe(1);
    for (const kind of ["summarize", "embed", "questions"]) expect(await value("docsum_ai_tokens_total", { kind })).toBeGreaterThan(0);
  });

  it("counts a refused request by its status, with no tokens", async () => {
    fake.fail(CHAT, { kind: "rate-limit", retryAfterSeconds: 1 });
    await expect(withLogContext({ job: "summarize" }, () => provider().summarize("text"))).rejects.toBeInstanceOf(AiRateLimitedError);
    fake.fail(CHAT, { kind: "status", status: 500 });
    await expect(withLogContext({ job: "summarize" }, () => provider().summarize("text"))).rejects.toThrow();
    expect(await value("docsum_ai_requests_total", { kind: "summarize", status: "rate_limited" })).toBe(1);
    expect(await value("docsum_ai_requests_total", { kind: "summarize", status: "error" })).toBe(1);
    expect(await value("docsum_ai_tokens_total")).toBe(0);
  });

  it("adds up the time calls waited for the shared rate limit", async () => {
    // The budget's script answers 150 ms to wait, then no pause is found after it.
    const redis = { eval: async () => 150, pttl: async () => -2 } as unknown as RedisClient;
    const limiter = new RedisRateLimiter(redis, { requestsPerMinute: 60, tokensPerMinute: 1000 }, "test");
    await limiter.acquire(10);
    await limiter.acquire(10);
    expect(await value("docsum_ai_rate_limited_seconds_total")).toBeCloseTo(0.3, 5);
  });
});
