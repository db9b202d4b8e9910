/**
 * Questions, first answer latency: from `POST /api/questions` to a socket.io-client (the
 * browser's stand-in) receiving the question's first `question:answer` event with text, with the
 * local provider, on a real stack whose owner has 10,000 documents (synthetic, in the real
 * tables: text from paragraphs of this machine's manual pages, passages and search vectors made by
 * the triggers, vectors entered in the vector index; quick: 2,000). The labelled search set's
 * queries are asked one at a time, after one warm-up question (the worker's vector index is built
 * then; its time is reported). Baseline: `GET /api/search` (hybrid) for the same words, on the
 * same stack, the two taken in turn per query.
 */
import { performance } from "node:perf_hooks";
import pg from "pg";
import type { QuestionAnswerEvent } from "@/lib/events";
import { api } from "../tests/integration/client";
import { log, QUICK, result, runFigure } from "./lib/figure";
import { connect } from "./lib/latency";
import { QUERIES } from "./lib/search-set";
import { BENCH_DATABASE_URL, startBenchStack } from "./lib/stack";
import { median, quantile, since } from "./lib/stats";
import { fillSyntheticLibrary } from "./lib/synthetic-library";

const DOCUMENTS = Number(process.env.BENCH_QUESTION_DOCUMENTS ?? (QUICK ? 2_000 : 10_000));
const TIMEOUT_MS = 120_000;

process.env.DATABASE_URL = BENCH_DATABASE_URL;
const { LOCAL_EMBEDDING_DIMENSIONS, localEmbeddingModel } = await import("@/lib/similarity");
const { env } = await import("@/lib/env");

runFigure(async () => {
  const stack = await startBenchStack("question-latency");
  const db = new pg.Client({ connectionString: BENCH_DATABASE_URL });
  await db.connect();
  const socket = await connect(stack.baseURL, stack.admin!.token);
  try {
    const me = (await (await api(stack.baseURL, "/api/auth/me")).json()) as { user: { id: string } };
    const filled = performance.now();
    await fillSyntheticLibrary(db, {
      ownerId: me.user.id,
      documents: DOCUMENTS,
      seed: 7,
      language: env.SEARCH_LANGUAGE,
      dimensions: LOCAL_EMBEDDING_DIMENSIONS,
      embeddingModel: localEmbeddingModel({ version: 0 }),
    });
    log(`question-latency: ${DOCUMENTS} documents in ${(since(filled) / 1000).toFixed(0)} s`);

    const firstTextAt = new Map<string, number>();
    const ended = new Set<string>();
    socket.on("question:answer", (event: QuestionAnswerEvent) => {
      if (event.text !== "" && !firstTextAt.has(event.id)) firstTextAt.set(event.id, performance.now());
      if (event.done) ended.add(event.id);
    });
    const until = async (condition: () => boolean, what: string) => {
      const deadline = Date.now() + TIMEOUT_MS;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`${what} within ${TIMEOUT_MS} ms`);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    };
    /** Asks one question and waits for its end; the time from the request to its first text. */
    const askOnce = async (question: string): Promise<number> => {
      const start = performance.now();
      const response = await api(stack.baseURL, "/api/questions", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ question }) });
      if (response.status !== 202) throw new Error(`asking answered ${response.status}: ${await response.text()}`);
      const { id } = (await response.json()) as { id: string };
      await until(() => ended.has(id), `question "${question}" was not answered`);
      if (!firstTextAt.has(id)) throw new Error(`question "${question}" was answered without text`);
      return firstTextAt.get(id)! - start;
    };
    const searchOnce = async (q: string): Promise<number> => {
      const start = performance.now();
      const response = await api(stack.baseURL, `/api/search?${new URLSearchParams({ q, mode: "hybrid", limit: "10" })}`);
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`search answered ${response.status}`);
      return since(start);
    };

    const warm = performance.now();
    await askOnce("warm up the vector index");
    const warmUpMs = since(warm);
    await searchOnce("warm up the web process's vector index");
    log(`question-latency: warm-up question ${warmUpMs.toFixed(0)} ms`);

    const asked: number[] = [];
    const searched: number[] = [];
    for (let round = 0; round < (QUICK ? 1 : 2); round++) {
      for (const { query } of QUERIES) {
        asked.push(await askOnce(query));
        searched.push(await searchOnce(query));
      }
    }
    const p = { p50: median(asked), p95: quantile(asked, 0.95), searchP50: median(searched), searchP95: quantile(searched, 0.95) };
    log(`question-latency: first answer event p50 ${p.p50.toFixed(0)} ms, p95 ${p.p95.toFixed(0)} ms; search p50 ${p.searchP50.toFixed(0)} ms, p95 ${p.searchP95.toFixed(0)} ms`);
    return [
      result({
        name: `question: POST to first answer event, local provider, ${DOCUMENTS.toLocaleString("en-US")} documents (p95)`,
        value: p.p95,
        unit: "ms",
        baseline: "GET /api/search (hybrid) for the same words on the same stack (p95)",
        baselineValue: p.searchP95,
        runs: [p.p50, p.p95],
        details: { documents: DOCUMENTS, questions: asked.length, p50: p.p50, p95: p.p95, searchP50: p.searchP50, searchP95: p.searchP95, warmUpMs },
      }),
    ];
  } finally {
    socket.close();
    await db.end();
    await stack.stop();
  }
});
