/**
 * Asking documents, on stacks of their own: with the stand-in model the answer streams (growing
 * events, then the stored answer), cites passages of the right documents, can be cancelled, fails
 * with the key's message on a 401 and waits out a 429; with the local provider the answer is the
 * best passages quoted. Another owner's questions and documents stay out of reach, and a question
 * whose document was deleted meanwhile answers from what is left.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { QuestionAnswerEvent } from "@/lib/events";
import type { QuestionPage, QuestionView } from "@/lib/questions/types";
import { fixturePath } from "../fixtures";
import { FakeOpenAi } from "../fake-openai";
import { startOwnStack, testRedisDatabase, type Stack } from "../harness";
import { api, createAccount, ProgressWatcher, upload, type UploadFile } from "./client";

const CHAT = "/v1/chat/completions";

/** Two notes on unrelated topics, each with a word no other text has. */
const BEES = (tag: string) =>
  `Keeping bees ${tag}. In winter the worker bees cluster around the queen and shiver their flight muscles to keep the hive warm. ` +
  "The cluster moves slowly across the combs, eating the stored honey, and the bees on the outside take turns at the cold edge.";
const GLACIERS = (tag: string) =>
  `Glaciers ${tag}. A glacier forms where more snow falls each winter than melts each summer; the snow compacts into firn and then ice. ` +
  "Under its own weight the ice flows downhill, carving valleys, and at its end it melts or breaks off into the sea as icebergs.";

function note(name: string, text: string): UploadFile {
  return { name: `${name}.txt`, data: text, type: "text/plain" };
}

/** The stand-in model's answer to a question: it names the first source it was given and cites it, at length enough to stream in many pieces. */
function citingAnswer(user: string): string {
  if (!user.includes("<question>")) return `Fake summary (${user.length} characters).`;
  const first = /<source n="1" title="([^"]*)">/.exec(user)?.[1] ?? "nothing";
  return (
    `The first source, ${first}, answers this [1]. ` +
    "It explains the matter in plain words, step by step, with the details the question asks about and a few more that help to read it [1]. " +
    "Nothing in the other sources contradicts it, and together they give the whole picture of what happens and why it happens that way."
  );
}

async function ask(stack: Stack, body: unknown, token?: string | null): Promise<{ status: number; body: { id?: string; error?: string } }> {
  const response = await api(stack.baseURL, "/api/questions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, token);
  return { status: response.status, body: (await response.json()) as { id?: string; error?: string } };
}

async function read(stack: Stack, id: string, token?: string | null): Promise<{ status: number; body: QuestionView }> {
  const response = await api(stack.baseURL, `/api/questions/${id}`, {}, token);
  return { status: response.status, body: (await response.json()) as QuestionView };
}

/** Each event's text extends the one before. */
function grows(events: QuestionAnswerEvent[]): boolean {
  return events.every((event, i) => i === 0 || event.text.startsWith(events[i - 1].text));
}

const flat = (text: string) => text.replace(/\s+/g, " ").trim();
/** A citation's excerpt without the ellipses that mark text left out. */
const unquoted = (excerpt: string) => excerpt.replace(/^…|…$/g, "");

/** Resolves once `condition` holds, checked every 100 ms; rejects after `timeoutMs`. */
async function eventually(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(what);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("questions answered by a model", () => {
  const fake = new FakeOpenAi({ answer: citingAnswer });
  let stack: Stack;
  let watcher: ProgressWatcher;
  let close: () => Promise<void>;
  const doc = { bees: "", glaciers: "" };
  const texts = { bees: BEES(randomUUID()), glaciers: GLACIERS(randomUUID()) };

  beforeAll(async () => {
    await fake.start();
    ({ stack, watcher, close } = await startOwnStack(
      "docsum_questions",
      {
        REDIS_URL: testRedisDatabase(10),
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
    const { status, body } = await upload(stack.baseURL, [note("bees", texts.bees), note("glaciers", texts.glaciers)]);
    expect(status).toBe(202);
    [doc.bees, doc.glaciers] = body.documents!.map((d) => d.id);
    const final = await watcher.waitForFinal([doc.bees, doc.glaciers], 90_000);
    expect([...final.values()].map((p) => p.status)).toEqual(["done", "done"]);
  });

  afterAll(async () => {
    await close?.();
    await fake.stop();
  });

  beforeEach(() => fake.reset());

  it("answers at once, streams the answer in growing events with citations of the document asked about, and stores the last one", async () => {
    const asked = await ask(stack, { question: "How do bees keep the hive warm in winter?", documentIds: [doc.bees] });
    expect(asked.status).toBe(202);
    const id = asked.body.id!;
    const last = await watcher.waitForAnswer(id);
    const events = watcher.answerEvents(id);
    const streaming = events.filter((event) => !event.done && event.text !== "");
    expect(streaming.length).toBeGreaterThanOrEqual(3);
    expect(grows(events)).toBe(true);
    expect(last).toMatchObject({ status: "done", done: true });
    expect(last.text).toContain("[1]");
    expect(last.citations.length).toBeGreaterThan(0);
    expect(last.citations.every((citation) => citation.documentId === doc.bees && citation.title === "bees")).toBe(true);
    expect(flat(texts.bees)).toContain(unquoted(last.citations[0].excerpt));
    // The model was given the passage and the question, the passage as numbered data.
    const sent = fake.requestsTo(CHAT).at(-1)!.body.messages!.at(-1)!.content;
    expect(sent).toContain('<source n="1" title="bees">');
    expect(sent).toContain("<question>How do bees keep the hive warm in winter?</question>");

    const stored = await read(stack, id);
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({ id, question: "How do bees keep the hive warm in winter?", documentIds: [doc.bees], status: "done", error: null, extract: false });
    expect(stored.body.answer).toBe(last.text);
    expect(stored.body.citations).toEqual(last.citations);
    expect(stored.body.finishedAt).not.toBeNull();
  });

  it("asked of the whole library, cites the document that holds the answer first", async () => {
    const asked = await ask(stack, { question: "How does a glacier form from snow, and where does the ice flow?" });
    expect(asked.status).toBe(202);
    const last = await watcher.waitForAnswer(asked.body.id!);
    expect(last.status).toBe("done");
    expect(last.citations[0].documentId).toBe(doc.glaciers);
    expect(last.text).toContain("glaciers");
  });

  it("lists questions newest first, a page at a time, and those about one document", async () => {
    const all = (await (await api(stack.baseURL, "/api/questions?limit=1")).json()) as QuestionPage;
    expect(all.questions).toHaveLength(1);
    expect(all.nextCursor).not.toBeNull();
    const next = (await (await api(stack.baseURL, `/api/questions?limit=1&cursor=${all.nextCursor}`)).json()) as QuestionPage;
    expect(next.questions).toHaveLength(1);
    expect(next.questions[0].createdAt <= all.questions[0].createdAt).toBe(true);
    expect(next.questions[0].id).not.toBe(all.questions[0].id);
    const aboutBees = (await (await api(stack.baseURL, `/api/questions?documentId=${doc.bees}`)).json()) as QuestionPage;
    expect(aboutBees.questions.length).toBeGreaterThan(0);
    expect(aboutBees.questions.every((q) => q.documentIds.includes(doc.bees))).toBe(true);
    expect((await api(stack.baseURL, "/api/questions?limit=0")).status).toBe(400);
    expect((await api(stack.baseURL, "/api/questions?cursor=nonsense")).status).toBe(400);
  });

  it("stops a streaming answer on cancel, with a last event that says so", async () => {
    fake.stream = { wordsPerChunk: 1, chunkDelayMs: 150 };
    const { body } = await ask(stack, { question: "Why do the bees on the outside take turns?", documentIds: [doc.bees] });
    const id = body.id!;
    await watcher.until(() => watcher.answerEvents(id).some((event) => event.text !== ""), () => `no text for ${id}`, 30_000);
    const cancelled = await api(stack.baseURL, `/api/questions/${id}/cancel`, { method: "POST" });
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as QuestionView).status).toBe("cancelled");
    const last = await watcher.waitForAnswer(id);
    expect(last).toMatchObject({ status: "cancelled", done: true });
    // The model's stream is dropped, and nothing of this answer follows the last event.
    await eventually(() => fake.abandoned > 0, "the answer's stream was not dropped");
    const count = watcher.answerEvents(id).length;
    const stored = await read(stack, id);
    expect(stored.body.status).toBe("cancelled");
    expect(watcher.answerEvents(id)).toHaveLength(count);
  });

  it("fails a question the API refuses the key for, with the key's message, and asks it again", async () => {
    fake.fail(CHAT, { kind: "status", status: 401, message: "Incorrect API key provided" });
    const { body } = await ask(stack, { question: "What do bees eat in winter?", documentIds: [doc.bees] });
    const last = await watcher.waitForAnswer(body.id!);
    expect(last).toMatchObject({ status: "failed", done: true, error: "The AI service refused the API key." });
    expect((await read(stack, body.id!)).body).toMatchObject({ status: "failed", error: "The AI service refused the API key." });
    const again = await ask(stack, { question: "What do bees eat in winter?", documentIds: [doc.bees] });
    expect((await watcher.waitForAnswer(again.body.id!)).status).toBe("done");
  });

  it("waits out a 429 and then answers", async () => {
    fake.fail(CHAT, { kind: "rate-limit", retryAfterSeconds: 1 });
    const { body } = await ask(stack, { question: "What carves the valleys?", documentIds: [doc.glaciers] });
    const last = await watcher.waitForAnswer(body.id!);
    expect(last.status).toBe("done");
    // It waited in the queue, not failed, and the model was asked again after the time the API named.
    expect(watcher.answerEvents(body.id!).some((event) => event.status === "queued" && event.retrying)).toBe(true);
    const calls = fake.requestsTo(CHAT);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls[1].time - calls[0].time).toBeGreaterThanOrEqual(900);
  });

  it("answers a question whose document was deleted meanwhile from the documents that are left", async () => {
    const { body: first } = await upload(stack.baseURL, [note("bees-again", BEES(randomUUID()))]);
    const extra = first.documents![0].id;
    await watcher.waitForFinal([extra], 60_000);
    // A 429 holds the queue back while one of the two documents goes.
    fake.fail(CHAT, { kind: "rate-limit", retryAfterSeconds: 2 });
    const blocker = await ask(stack, { question: "What do glaciers become at the sea?", documentIds: [doc.glaciers] });
    await watcher.until(() => watcher.answerEvents(blocker.body.id!).some((event) => event.status === "queued"), () => "no 429 yet", 30_000);
    const { body } = await ask(stack, { question: "How do the bees keep warm?", documentIds: [doc.bees, extra] });
    expect((await api(stack.baseURL, `/api/documents/${extra}`, { method: "DELETE" })).status).toBe(204);
    const last = await watcher.waitForAnswer(body.id!);
    expect(last.status).toBe("done");
    expect(last.citations.length).toBeGreaterThan(0);
    expect(last.citations.every((citation) => citation.documentId === doc.bees)).toBe(true);
  });

  it("refuses a question that is too long, empty, or about documents the owner does not have", async () => {
    const long = await ask(stack, { question: "x".repeat(2001) });
    expect(long.status).toBe(400);
    expect(long.body.error).toMatch(/question: .*2,000 characters/);
    expect((await ask(stack, { question: "   " })).status).toBe(400);
    const unknown = await ask(stack, { question: "What is this?", documentIds: [randomUUID()] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/not in your library/);
    expect((await ask(stack, { question: "What is this?", documentIds: ["not-an-id"] })).status).toBe(400);
    const malformed = await api(stack.baseURL, "/api/questions", { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    expect(malformed.status).toBe(400);
  });

  it("keeps each owner's questions and documents to themselves", async () => {
    const other = await createAccount(stack.baseURL, `questions-${randomUUID()}@example.com`);
    const mine = (await (await api(stack.baseURL, "/api/questions?limit=1")).json()) as QuestionPage;
    const id = mine.questions[0].id;
    expect((await read(stack, id, other.token)).status).toBe(404);
    expect((await api(stack.baseURL, `/api/questions/${id}/cancel`, { method: "POST" }, other.token)).status).toBe(404);
    expect((await api(stack.baseURL, `/api/questions/${id}`, { method: "DELETE" }, other.token)).status).toBe(404);
    expect((await ask(stack, { question: "bees?", documentIds: [doc.bees] }, other.token)).status).toBe(400);
    // Asked of their own library with the words of the first owner's documents, nothing of them is cited.
    const { body: uploaded } = await upload(stack.baseURL, [note("own", `Their own note ${randomUUID()} about winter, snow and honey.`)], other.token);
    const otherWatcher = await ProgressWatcher.connect(stack.baseURL, other.token);
    try {
      await otherWatcher.waitForFinal([uploaded.documents![0].id], 60_000);
      const { body } = await ask(stack, { question: "How do bees keep the hive warm in winter, and how do glaciers form?" }, other.token);
      const last = await otherWatcher.waitForAnswer(body.id!);
      expect(last.status).toBe("done");
      expect(last.citations.map((citation) => citation.documentId)).toEqual([uploaded.documents![0].id]);
      expect(watcher.answerEvents(body.id!)).toHaveLength(0);
      const theirs = (await (await api(stack.baseURL, "/api/questions", {}, other.token)).json()) as QuestionPage;
      expect(theirs.questions.map((q) => q.id)).toEqual([body.id]);
    } finally {
      otherWatcher.close();
    }
    expect((await api(stack.baseURL, `/api/questions/${id}`, { method: "DELETE" })).status).toBe(204);
    expect((await read(stack, id)).status).toBe(404);
  });
});

describe("questions answered by the local provider", () => {
  let stack: Stack;
  let watcher: ProgressWatcher;
  let close: () => Promise<void>;
  const ids = new Map<string, string>();

  beforeAll(async () => {
    ({ stack, watcher, close } = await startOwnStack("docsum_questions_local", { REDIS_URL: testRedisDatabase(10) }, { watch: true }));
    const names = ["apt-README.md", "coreutils-README.txt", "base-files-README-FHS.txt"];
    const files = await Promise.all(names.map(async (name) => ({ name, data: await readFile(fixturePath(name)), type: "text/plain" })));
    const { body } = await upload(stack.baseURL, files);
    body.documents!.forEach((d, i) => ids.set(names[i], d.id));
    await watcher.waitForFinal([...ids.values()], 90_000);
  });

  afterAll(async () => {
    await close?.();
  });

  it("quotes the passage of the fixture that answers the question first, and says it is an extract", async () => {
    const { status, body } = await ask(stack, { question: "Which tool normalizes Packages and Sources files?" });
    expect(status).toBe(202);
    const last = await watcher.waitForAnswer(body.id!);
    expect(last.status).toBe("done");
    expect(last.citations[0].documentId).toBe(ids.get("apt-README.md"));
    expect(last.text.startsWith("[1] “")).toBe(true);
    expect(last.text).toContain("apt-sortpkgs");
    const slice = await api(stack.baseURL, `/api/documents/${ids.get("apt-README.md")}/text?offset=0&length=100000`);
    const text = flat(((await slice.json()) as { text: string }).text);
    expect(text).toContain(unquoted(last.citations[0].excerpt));
    const stored = await read(stack, body.id!);
    expect(stored.body).toMatchObject({ status: "done", extract: true, model: null, answer: last.text });
  });
});
