/**
 * Figure 7, summary streaming latency: from the AI API writing a summary's first streamed token
 * (the fake API of tests/fake-openai.ts, in this process) to a socket.io-client, the browser's
 * stand-in, receiving that document's first `document:summary`: the worker's `openai` SDK stream,
 * the draft publisher, the Socket.IO emitter, Redis, the web process's Redis adapter and the
 * owner's room. One document at a time (the next once the previous is done), so the figure is
 * latency without queueing; both clocks are this process's `performance.now()`. 200 documents in
 * 5 blocks (quick: 40 in 2), after 5 warm-up documents. Baseline: the same token relayed by a
 * raw Redis PUBLISH and a bare Socket.IO server's emit (bench/lib/relay-server.ts, its own
 * process) to the same kind of client, as many events; app and baseline blocks alternate.
 */
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import { Redis } from "ioredis";
import type { DocumentSummaryEvent } from "@/lib/events";
import { isFinal } from "@/lib/pipeline/statuses";
import { FakeOpenAi } from "../tests/fake-openai";
import { upload } from "../tests/integration/client";
import { QUICK, runFigure } from "./lib/figure";
import { alternatingBlocks, connect, latencyResults, pingPong, type Client } from "./lib/latency";
import { BENCH_REDIS_URL, startBenchStack, startHelper, stopHelper, uniquePrefix } from "./lib/stack";

const DOCUMENTS = QUICK ? 40 : 200;
const BLOCKS = QUICK ? 2 : 5;
const WARMUP = 5;
const TIMEOUT_MS = 60_000;

/** Resolves once `condition` holds, looking every few milliseconds; rejects after TIMEOUT_MS. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** What the app's client saw: when each document's first summary event arrived, and which documents ended. */
function watch(socket: Client) {
  const firstSummaryAt = new Map<string, number>();
  const ended = new Set<string>();
  socket.on("document:summary", (event) => {
    if (!firstSummaryAt.has(event.id)) firstSummaryAt.set(event.id, performance.now());
  });
  socket.on("document:progress", (event) => {
    if (isFinal(event.status)) ended.add(event.id);
  });
  return { firstSummaryAt, ended };
}

/** Token to first event for `count` documents, one after the other, each a note nobody sent before. */
async function appLatencies(baseURL: string, fake: FakeOpenAi, seen: ReturnType<typeof watch>, tag: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const marker = `${tag}-${i}-${randomUUID()}`;
    const text = `Streaming note ${marker}. Its summary is streamed back to the browser a few words at a time.`;
    const { status, body } = await upload(baseURL, [{ name: `${marker}.txt`, data: text, type: "text/plain" }]);
    if (status !== 202) throw new Error(`upload ${marker} answered ${status}`);
    const id = body.documents![0].id;
    await until(() => seen.ended.has(id) && seen.firstSummaryAt.has(id), `document ${marker} did not finish with a summary event`);
    const request = fake.requests.find((r) => r.body.stream && r.body.messages?.some((m) => m.content.includes(marker)));
    const firstChunkAt = request?.streamed?.firstChunkAt;
    if (firstChunkAt === undefined) throw new Error(`no streamed summary request for ${marker}`);
    latencies.push(seen.firstSummaryAt.get(id)! - firstChunkAt);
  }
  fake.reset();
  return latencies;
}

runFigure(async () => {
  // A first token at once, then two words every 5 ms: the figure is about the first one.
  const fake = new FakeOpenAi({ stream: { wordsPerChunk: 2, chunkDelayMs: 5 } });
  await fake.start();
  const stack = await startBenchStack("summary-stream", {
    AI_PROVIDER: "openai",
    OPENAI_API_KEY: "bench-key",
    OPENAI_BASE_URL: fake.baseURL,
    // The limiter is not what is measured.
    AI_REQUESTS_PER_MINUTE: "1000000",
    AI_TOKENS_PER_MINUTE: "1000000000",
  });
  const channel = uniquePrefix("relay");
  const relay = await startHelper("relay", "bench/lib/relay-server.ts", { REDIS_URL: BENCH_REDIS_URL, BENCH_CHANNEL: channel, BENCH_EVENT: "document:summary" });
  const publisher = new Redis(BENCH_REDIS_URL);
  const appSocket = await connect(stack.baseURL, stack.admin!.token);
  const relaySocket = await connect(`http://127.0.0.1:${relay.line}`);
  const seen = watch(appSocket);
  try {
    await appLatencies(stack.baseURL, fake, seen, "warm-app", WARMUP);
    // The baseline: the same first token, published on the relay's channel, one at a time.
    const token = (id: string) => void publisher.publish(channel, JSON.stringify({ id, text: "Fake summary", done: false } satisfies DocumentSummaryEvent));
    const relayLatencies = (tag: string, count: number) => pingPong(relaySocket, "document:summary", token, tag, count, TIMEOUT_MS);
    await relayLatencies("warm-base", WARMUP * 10);
    const perBlock = DOCUMENTS / BLOCKS;
    const runs = await alternatingBlocks("summary-stream", BLOCKS, (target, block) =>
      target === "app"
        ? appLatencies(stack.baseURL, fake, seen, `app-${block}`, perBlock)
        : relayLatencies(`base-${block}`, perBlock),
    );
    const baseline = "raw Redis PUBLISH relayed by a bare Socket.IO server (own process)";
    return latencyResults("summary first token to browser", runs, baseline, { goals: ["p50", "p95"], details: { documents: DOCUMENTS, blocks: BLOCKS } });
  } finally {
    appSocket.close();
    relaySocket.close();
    await publisher.quit();
    await stopHelper(relay.child);
    await stack.stop();
    await fake.stop();
  }
});
