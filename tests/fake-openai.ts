/**
 * A small OpenAI-compatible API for tests, on a free port: `POST /v1/chat/completions` and
 * `POST /v1/embeddings` with deterministic answers, a log of every request, and faults on
 * request (429 with Retry-After, 500, slow, malformed JSON, 401, 404, a stream cut or failing
 * in the middle) for the next N calls. A chat request with `stream: true` is answered with
 * server-sent events, a few words a chunk with a pause between chunks (`stream`, configurable).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { LocalProvider } from "@/lib/ai/local";

export type FakePath = "/v1/chat/completions" | "/v1/embeddings";

export type Fault =
  | { kind: "rate-limit"; retryAfterSeconds?: number; headers?: Record<string, string> }
  | { kind: "status"; status: 400 | 401 | 403 | 404 | 429 | 500 | 503; message?: string; code?: string }
  | { kind: "slow"; delayMs: number }
  | { kind: "malformed" }
  /** A streamed answer whose connection drops after `afterChunks` chunks (default: half of them). */
  | { kind: "cut-stream"; afterChunks?: number }
  /** A streamed answer that sends an error event after `afterChunks` chunks (the server failed mid-way). */
  | { kind: "stream-error"; afterChunks?: number };

/** How a streamed answer is paced. */
export interface StreamPace {
  wordsPerChunk: number;
  /** The pause after each chunk. */
  chunkDelayMs: number;
}

/** A few words every few tens of milliseconds: streams are seen growing, and tests stay quick. */
export const DEFAULT_STREAM_PACE: StreamPace = { wordsPerChunk: 2, chunkDelayMs: 25 };

export interface RecordedRequest {
  time: number;
  path: string;
  /** The Authorization header, to check the key is sent. */
  authorization?: string;
  body: { model?: string; messages?: { role: string; content: string }[]; input?: string | string[]; dimensions?: number; stream?: boolean };
  /** For a streamed answer: the chunks with text sent, and when the first was written (`performance.now()`). */
  streamed?: { chunks: number; firstChunkAt?: number };
}

/** What the fake answers to a chat request: it names the text it saw. */
export function fakeSummary(userContent: string): string {
  const text = userContent.replace(/<\/?document>/g, "").replace(/\s+/g, " ").trim();
  return `Fake summary of "${text.slice(0, 60)}" (${text.length} characters).`;
}

export interface FakeOpenAiOptions {
  stream?: Partial<StreamPace>;
  /** The chat answer to a user message (default: `fakeSummary`). */
  answer?: (userContent: string) => string;
}

/** The fake API server. */
export class FakeOpenAi {
  readonly requests: RecordedRequest[] = [];
  /** How many requests the client gave up on (closed the connection) before their answer. */
  abandoned = 0;
  /** The pace of streamed answers; a test may change it (reset() restores the one given at construction). */
  stream: StreamPace;
  /** The chat answer to a user message; a test may change it (reset() restores it). */
  answer: (userContent: string) => string;
  private readonly faults = new Map<string, { fault: Fault; times: number }[]>();
  private readonly local = new LocalProvider();
  /** Answers the fake itself cut short: not abandoned by the client. */
  private readonly cut = new WeakSet<ServerResponse>();
  private server?: Server;

  /** `http://127.0.0.1:<port>/v1`, for OPENAI_BASE_URL. */
  baseURL = "";

  constructor(private readonly options: FakeOpenAiOptions = {}) {
    this.stream = { ...DEFAULT_STREAM_PACE, ...options.stream };
    this.answer = options.answer ?? fakeSummary;
  }

  /** Listens on a free port. */
  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.baseURL = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Forgets the request log and any faults still queued, and restores the pace and the answer. */
  reset(): void {
    this.requests.length = 0;
    this.abandoned = 0;
    this.faults.clear();
    this.stream = { ...DEFAULT_STREAM_PACE, ...this.options.stream };
    this.answer = this.options.answer ?? fakeSummary;
  }

  /** Answers the next `times` requests to `path` with `fault`, after any faults already queued there. */
  fail(path: FakePath, fault: Fault, times = 1): void {
    const queue = this.faults.get(path) ?? [];
    queue.push({ fault, times });
    this.faults.set(path, queue);
  }

  /** The recorded requests to one path. */
  requestsTo(path: FakePath): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path);
  }

  private nextFault(path: string): Fault | undefined {
    const queue = this.faults.get(path);
    const head = queue?.[0];
    if (!head) return undefined;
    if (--head.times === 0) queue.shift();
    return head.fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.once("close", () => {
      if (!res.writableEnded && !this.cut.has(res)) this.abandoned += 1;
    });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = req.url ?? "";
    let body: RecordedRequest["body"] = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    } catch {
      return send(res, 400, { error: { message: "invalid JSON body", type: "invalid_request_error" } });
    }
    const recorded: RecordedRequest = { time: Date.now(), path, authorization: req.headers.authorization, body };
    this.requests.push(recorded);
    if (req.method !== "POST" || (path !== "/v1/chat/completions" && path !== "/v1/embeddings")) {
      return send(res, 404, { error: { message: `no route ${req.method} ${path}`, type: "invalid_request_error" } });
    }

    const fault = this.nextFault(path);
    if (fault?.kind === "rate-limit") {
      const headers = { ...(fault.retryAfterSeconds !== undefined ? { "retry-after": String(fault.retryAfterSeconds) } : {}), ...fault.headers };
      return send(res, 429, { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } }, headers);
    }
    if (fault?.kind === "status") {
      const message = fault.message ?? (fault.status === 404 ? `The model \`${body.model}\` does not exist` : `fake error ${fault.status}`);
      return send(res, fault.status, { error: { message, type: "invalid_request_error", code: fault.code ?? null } });
    }
    if (fault?.kind === "malformed") {
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end('{"choices": [{"message": {"content": "cut off');
    }
    if (fault?.kind === "slow") await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (res.destroyed) return;

    if (path === "/v1/chat/completions") {
      const user = body.messages?.findLast((message) => message.role === "user")?.content ?? "";
      if (body.stream) return this.streamAnswer(res, recorded, this.answer(user), fault);
      if (fault?.kind === "cut-stream" || fault?.kind === "stream-error") return this.cutShort(res);
      return send(res, 200, {
        id: "chatcmpl-fake",
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: this.answer(user) }, finish_reason: "stop" }],
      });
    }
    const inputs = Array.isArray(body.input) ? body.input : [body.input ?? ""];
    const vectors = await this.local.embed(inputs);
    // Like Ollama, no `usage` field: clients must not need it.
    return send(res, 200, {
      object: "list",
      model: body.model,
      data: vectors.map((embedding, index) => ({ object: "embedding", index, embedding: embedding.slice(0, body.dimensions) })),
    });
  }

  /** Answers with server-sent events at the configured pace, cut or failed in the middle on request. */
  private async streamAnswer(res: ServerResponse, recorded: RecordedRequest, text: string, fault?: Fault): Promise<void> {
    const { wordsPerChunk, chunkDelayMs } = this.stream;
    const pieces = streamPieces(text, wordsPerChunk);
    const breaks = fault?.kind === "cut-stream" || fault?.kind === "stream-error";
    const breakAt = breaks ? (fault.afterChunks ?? Math.ceil(pieces.length / 2)) : Infinity;
    const created = Math.floor(Date.now() / 1000);
    const event = (delta: object, finish: string | null) =>
      `data: ${JSON.stringify({ id: "chatcmpl-fake", object: "chat.completion.chunk", created, model: recorded.body.model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    recorded.streamed = { chunks: 0 };
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
    for (const [index, piece] of pieces.entries()) {
      if (res.destroyed) return;
      if (index === breakAt) {
        if (fault?.kind === "cut-stream") return this.cutShort(res);
        res.write(`data: ${JSON.stringify({ error: { message: "The server had an error while processing your request.", type: "server_error" } })}\n\n`);
        return void res.end();
      }
      if (index === 0) recorded.streamed.firstChunkAt = performance.now();
      res.write(event(index === 0 ? { role: "assistant", content: piece } : { content: piece }, null));
      recorded.streamed.chunks += 1;
      await new Promise((resolve) => setTimeout(resolve, chunkDelayMs));
    }
    if (res.destroyed) return;
    res.write(event({}, "stop"));
    res.end("data: [DONE]\n\n");
  }

  /** Drops the connection without finishing the answer. */
  private cutShort(res: ServerResponse): void {
    this.cut.add(res);
    res.destroy();
  }
}

/** Splits a text into pieces of `words` words, each with the spaces after it, so that the pieces joined are the text. */
export function streamPieces(text: string, words: number): string[] {
  const all = text.split(/(?<=\s)(?=\S)/).filter((word) => word !== "");
  const pieces: string[] = [];
  for (let i = 0; i < all.length; i += words) pieces.push(all.slice(i, i + words).join(""));
  return pieces;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}
