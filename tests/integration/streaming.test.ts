/**
 * Summaries that stream as they are written: a real stack (web + worker processes) with
 * AI_PROVIDER=openai on the fake API of tests/fake-openai.ts, which answers `stream: true` a few
 * words a chunk and can cut a stream in the middle. What browsers see is checked with real
 * Socket.IO clients and the HTTP API.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DocumentDetail } from "@/lib/document-types";
import type { DocumentSummaryEvent } from "@/lib/events";
import { isFinal } from "@/lib/pipeline/statuses";
import { FakeOpenAi, fakeSummary, streamPieces } from "../fake-openai";
import { startOwnStack, testRedisDatabase, type Stack } from "../harness";
import { api, getDocument, listDocuments, ProgressWatcher, upload } from "./client";

/** Its own database and Redis database, so the suite's first stack never takes its documents. */
const DATABASE = "docsum_streaming";
const CHAT = "/v1/chat/completions";
const EMBEDDINGS = "/v1/embeddings";
const CLOCK_SLACK_MS = 250;

const fake = new FakeOpenAi();
let stack: Stack;
let watcher: ProgressWatcher;
let close: () => Promise<void>;

beforeAll(async () => {
  await fake.start();
  ({ stack, watcher, close } = await startOwnStack(
    DATABASE,
    {
      REDIS_URL: testRedisDatabase(3),
      AI_PROVIDER: "openai",
      OPENAI_API_KEY: "test-key",
      OPENAI_BASE_URL: fake.baseURL,
      SUMMARY_MODEL: "gpt-test",
      EMBEDDING_MODEL: "embed-test",
      AI_TIMEOUT_MS: "5000",
      JOB_ATTEMPTS: "2",
    },
    { watch: true },
  ));
});

afterAll(async () => {
  await close?.();
  await fake.stop();
});

beforeEach(() => fake.reset());

/** A note nobody uploaded before. */
function note(topic: string): string {
  return `${topic} ${randomUUID()}. The committee met on Tuesday and agreed on the new schedule for the spring term.`;
}

/** The title each submitted text's document got (its file name): the model sees it before the text. */
const titles = new Map<string, string>();

/** What the fake answers for a one-chunk document's text. */
function answerFor(text: string): string {
  return fakeSummary(`<document>\n<title>${titles.get(text)}</title>\n\n${text}\n</document>`);
}

async function submit(text: string): Promise<string> {
  const title = randomUUID();
  titles.set(text, title);
  const { status, body } = await upload(stack.baseURL, [{ name: `${title}.txt`, data: text, type: "text/plain" }]);
  expect(status).toBe(202);
  return body.documents![0].id;
}

async function read(id: string): Promise<DocumentDetail> {
  return (await getDocument(stack.baseURL, id)).body;
}

async function finished(id: string): Promise<DocumentDetail> {
  await watcher.waitForFinal([id], 90_000);
  return read(id);
}

/** Processes a document again; its last run's final job may still be finishing for a moment (409). */
async function reprocess(id: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = await api(stack.baseURL, `/api/documents/${id}/reprocess`, { method: "POST" });
    if (answer.status !== 409 || Date.now() > deadline) return void expect(answer.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits until `client` has seen a draft of `id` with text, after its first `skip` summary events; answers that text. */
async function draftSeen(client: ProgressWatcher, id: string, skip = 0): Promise<string> {
  const draft = () => client.summaryEvents(id).slice(skip).find((event) => !event.done && event.text !== "");
  await client.until(() => draft() !== undefined, () => `no draft of ${id} came`, 60_000);
  return draft()!.text;
}

/** Each draft's text extends the one before and is longer; the done event's extends the last draft's. */
function expectGrowing(events: DocumentSummaryEvent[]): void {
  const drafts = events.filter((event) => !event.done).map((event) => event.text);
  drafts.slice(1).forEach((text, i) => {
    expect(text.startsWith(drafts[i]) && text.length > drafts[i].length, `${JSON.stringify(text)} after ${JSON.stringify(drafts[i])}`).toBe(true);
  });
  const done = events.at(-1)!;
  expect(done.done).toBe(true);
  expect(done.text.startsWith(drafts.at(-1) ?? "")).toBe(true);
}

describe("a summary streamed by an OpenAI-compatible API", () => {
  it("reaches every client as growing document:summary events, the last done with the stored summary", async () => {
    fake.stream = { wordsPerChunk: 1, chunkDelayMs: 60 };
    const text = note("Minutes");
    const id = await submit(text);
    const doc = await finished(id);
    expect(doc).toMatchObject({ status: "done", summary: answerFor(text), summaryDraft: null });

    const events = watcher.summaryEvents(id);
    expect(events.filter((event) => !event.done).length).toBeGreaterThanOrEqual(3);
    expect(events.filter((event) => event.done)).toHaveLength(1);
    expectGrowing(events);
    expect(events.at(-1)).toEqual({ id, text: doc.summary, done: true });
    expect(fake.requestsTo(CHAT).map((request) => request.body.stream)).toEqual([true]);
  });

  it("shows the draft so far to a client connecting late, to GET /api/documents/:id and to the list", async () => {
    fake.stream = { wordsPerChunk: 1, chunkDelayMs: 200 };
    const text = note("Inventory");
    const id = await submit(text);
    await draftSeen(watcher, id);

    // A reload in the middle: the page's data has the text written so far.
    let middle = await read(id);
    for (const until = Date.now() + 2_000; !middle.summaryDraft?.text && Date.now() < until; middle = await read(id)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(middle.summaryDraft?.text).toBeTruthy();
    expect(middle).toMatchObject({ status: "processing", stage: "summarize", summary: null });
    const listed = (await listDocuments(stack.baseURL)).find((item) => item.id === id);
    expect(listed?.summaryDraft?.text).toBeTruthy();

    // A second tab connects now: its follow answer has the draft, and its first event the whole
    // text so far (at least what the first client had seen before it connected).
    const seenBefore = watcher.summaryEvents(id).at(-1)!.text;
    const late = await ProgressWatcher.connect(stack.baseURL);
    try {
      const followed = await late.follow(id);
      const followedDraft = followed.ok ? (followed.document.summaryDraft?.text ?? "") : "";
      expect(followedDraft).not.toBe("");
      await late.until(() => late.summaryEvents(id).length > 0, () => "the late client saw no summary event", 30_000);
      expect(late.summaryEvents(id)[0].text.startsWith(seenBefore)).toBe(true);

      const doc = await finished(id);
      await late.until(() => late.summaryEvents(id).at(-1)?.done === true, () => "the late client saw no final summary", 30_000);
      expect(doc.summary).toBe(answerFor(text));
      for (const draft of [middle.summaryDraft!.text, followedDraft]) {
        expect(doc.summary!.startsWith(draft) && draft.length < doc.summary!.length, `draft ${JSON.stringify(draft)}`).toBe(true);
      }
      expect(late.summaryEvents(id).at(-1)!.text).toBe(doc.summary);
    } finally {
      late.close();
    }
  });

  it.each([
    ["the connection drops", { kind: "cut-stream", afterChunks: 4 }],
    ["the server fails mid-way", { kind: "stream-error", afterChunks: 3 }],
  ] as const)("sends a stream cut when %s again from the start of that call: no repeated or missing words", async (_case, fault) => {
    fake.stream = { wordsPerChunk: 1, chunkDelayMs: 30 };
    fake.fail(CHAT, fault);
    const text = note("Audit");
    const id = await submit(text);
    const doc = await finished(id);
    expect(doc.status).toBe("done");
    expect(doc.summary!.split(/\s+/)).toEqual(answerFor(text).split(/\s+/));
    const calls = fake.requestsTo(CHAT);
    expect(calls).toHaveLength(2);
    expect(calls[0].streamed!.chunks).toBe(fault.afterChunks);
    expect(calls[1].streamed!.chunks).toBe(streamPieces(answerFor(text), 1).length);
    // Only that call was sent again: the stage ran once.
    expect(doc.runs.filter((run) => run.stage === "summarize").map((run) => run.outcome)).toEqual(["done"]);

    // The page said "retrying" instead of keeping the broken half, then the text grew from the start.
    const events = watcher.summaryEvents(id);
    const retries = events.flatMap((event, i) => (event.retrying ? [i] : []));
    expect(retries).toHaveLength(1);
    expect(events[retries[0]]).toEqual({ id, text: "", done: false, retrying: true });
    const before = events.slice(0, retries[0]);
    const after = events.slice(retries[0] + 1);
    expect(before.length).toBeGreaterThan(0);
    before.forEach((event) => expect(doc.summary!.startsWith(event.text)).toBe(true));
    expectGrowing(after);
    expect(after.at(-1)!.text).toBe(doc.summary);
  });

  it("pauses the queue for the time a 429 on a streamed call asks, then streams", async () => {
    fake.fail(CHAT, { kind: "rate-limit", retryAfterSeconds: 2 });
    const text = note("Forecast");
    const id = await submit(text);
    const doc = await finished(id);
    expect(doc).toMatchObject({ status: "done", summary: answerFor(text) });
    const [refused, streamed] = fake.requestsTo(CHAT);
    expect(streamed.body.stream).toBe(true);
    expect(streamed.time - refused.time).toBeGreaterThanOrEqual(2_000 - CLOCK_SLACK_MS);
    expect(fake.requests.filter((request) => request.time > refused.time && request.time < streamed.time)).toEqual([]);
    expectGrowing(watcher.summaryEvents(id));
  });

  it("stops a streaming summary at once when the document is cancelled", async () => {
    fake.stream = { wordsPerChunk: 1, chunkDelayMs: 300 };
    const text = note("Roadmap");
    const id = await submit(text);
    await draftSeen(watcher, id);
    const cancel = await api(stack.baseURL, `/api/documents/${id}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(200);
    const seenAtCancel = watcher.summaryEvents(id).length;

    // A chunk comes every 300 ms: had the stream gone on, several more events would follow.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(fake.abandoned).toBe(1);
    expect(fake.requestsTo(CHAT)[0].streamed!.chunks).toBeLessThan(streamPieces(answerFor(text), 1).length);
    expect(watcher.summaryEvents(id).length - seenAtCancel).toBeLessThanOrEqual(1);
    expect(watcher.summaryEvents(id).some((event) => event.done)).toBe(false);
    const doc = await read(id);
    expect(doc).toMatchObject({ status: "cancelled", summary: null, summaryDraft: null });
    expect(doc.runs.find((run) => run.stage === "summarize")?.outcome).toBe("cancelled");
    expect(fake.requestsTo(EMBEDDINGS)).toHaveLength(0);
  });

  it("keeps the previous summary while the document is processed again, until the new one is complete", async () => {
    const text = note("Handbook");
    const id = await submit(text);
    const first = (await finished(id)).summary!;
    expect(first).toBe(answerFor(text));

    fake.answer = (user) => `Revised. ${fakeSummary(user)}`;
    fake.stream = { wordsPerChunk: 1, chunkDelayMs: 80 };
    const skip = watcher.summaryEvents(id).length;
    await reprocess(id);
    // What a page reading the document during the re-run gets, until the re-run is done.
    const samples: DocumentDetail[] = [];
    const rerunDone = (doc: DocumentDetail) => doc.status === "done" && doc.summary !== first;
    while (!samples.some(rerunDone)) {
      if (samples.length > 1_000) throw new Error("the re-run never finished");
      samples.push(await read(id));
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    const second = samples.at(-1)!.summary!;
    expect(second).toBe(`Revised. ${answerFor(text)}`);
    // Never cleared, never a half: the old text until the new one is complete, then the new one.
    const replacedAt = samples.findIndex((doc) => doc.summary === second);
    expect(samples.slice(0, replacedAt).every((doc) => doc.summary === first)).toBe(true);
    expect(samples.slice(replacedAt).every((doc) => doc.summary === second && doc.summaryDraft === null)).toBe(true);
    const drafting = samples.filter((doc) => doc.summaryDraft?.text);
    expect(drafting.length).toBeGreaterThan(0);
    for (const doc of drafting) expect(second.startsWith(doc.summaryDraft!.text)).toBe(true);
    expectGrowing(watcher.summaryEvents(id).slice(skip));

    // A re-run cancelled while it writes leaves the last complete summary in place.
    fake.answer = (user) => `Third take. ${fakeSummary(user)}`;
    fake.stream = { wordsPerChunk: 1, chunkDelayMs: 300 };
    const skipAgain = watcher.summaryEvents(id).length;
    await reprocess(id);
    expect(await draftSeen(watcher, id, skipAgain)).toMatch(/^Third/);
    expect((await api(stack.baseURL, `/api/documents/${id}/cancel`, { method: "POST" })).status).toBe(200);
    await watcher.until(() => isFinal(watcher.last(id)!.status), () => "the re-run was not cancelled", 30_000);
    expect(await read(id)).toMatchObject({ status: "cancelled", summary: second, summaryDraft: null });
  });
});
