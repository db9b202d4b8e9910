import { FakeOpenAi, fakeSummary } from "../tests/fake-openai";
import { freshDatabase, startStack, testRedisDatabase, type Stack } from "../tests/harness";

/** A streamed answer long enough (about 70 words, one every 150 ms) to reload a page in the middle of it. */
const STREAM_PACE = { wordsPerChunk: 1, chunkDelayMs: 150 };
const MORE = "It then walks through each section in turn, names who is responsible for every step, and closes with the dates by which the work should be finished.";

/**
 * Starts the real web and worker processes for the browser tests; the returned function stops them.
 * Two stacks: the main one with the local provider, and one with AI_PROVIDER=openai on the fake
 * API, whose summaries stream (e2e/streaming.spec.ts).
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  const fake = new FakeOpenAi({ stream: STREAM_PACE, answer: (user) => `${fakeSummary(user)} ${MORE} ${MORE}` });
  await fake.start();
  const streamingDatabase = await freshDatabase("docsum_e2e_streaming");
  const started = await Promise.allSettled([
    // No account yet: the first-run spec creates the admin through the pages.
    startStack({}, { admin: false }),
    startStack({
      DATABASE_URL: streamingDatabase,
      REDIS_URL: testRedisDatabase(5),
      AI_PROVIDER: "openai",
      OPENAI_API_KEY: "e2e-key",
      OPENAI_BASE_URL: fake.baseURL,
      SUMMARY_MODEL: "gpt-e2e",
      EMBEDDING_MODEL: "embed-e2e",
    }),
  ]);
  const failed = started.find((result) => result.status === "rejected");
  if (failed) {
    await Promise.all(started.map((result) => (result.status === "fulfilled" ? result.value.stop() : undefined)));
    await fake.stop();
    throw failed.reason;
  }
  const [stack, streaming] = started.map((result) => (result as PromiseFulfilledResult<Stack>).value);
  process.env.E2E_BASE_URL = stack.baseURL;
  process.env.E2E_SETUP_TOKEN = stack.env.SETUP_TOKEN;
  process.env.E2E_STREAMING_BASE_URL = streaming.baseURL;
  process.env.E2E_STREAMING_ADMIN = JSON.stringify({ email: streaming.admin!.email, password: streaming.admin!.password });
  return async () => {
    await Promise.all([stack.stop(), streaming.stop()]);
    await fake.stop();
  };
}
