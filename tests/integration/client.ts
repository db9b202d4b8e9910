/**
 * Test clients for the running stack: multipart uploads and a real Socket.IO connection. Every
 * helper sends an API token: the one given, or the default one (the test stack's admin's).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { io, type Socket } from "socket.io-client";
import type { DocumentDetail, DocumentListItem, SimilarityStatus, UploadedDocument } from "@/lib/document-types";
import { EVENTS_QUIET_MS, type ClientToServerEvents, type DocumentProgress, type DocumentSummaryEvent, type FollowAnswer, type QuestionAnswerEvent, type ServerToClientEvents } from "@/lib/events";
import { isFinal } from "@/lib/pipeline/statuses";

export interface UploadFile {
  name: string;
  data: Uint8Array | string;
  type?: string;
}

let defaultToken: string | undefined;

/** The token every helper sends unless given another; undefined sends none. */
export function setDefaultToken(token: string | undefined): void {
  defaultToken = token;
}

/** The Authorization header of the default token, for clients that build their own requests. */
export function authorization(): Record<string, string> {
  return defaultToken ? { authorization: `Bearer ${defaultToken}` } : {};
}

/** `fetch` of a path of the app with `Authorization: Bearer <token>` (none when `token` is null). */
export function api(baseURL: string, route: string, init: RequestInit = {}, token: string | null = defaultToken ?? null): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set("authorization", `Bearer ${token}`);
  return fetch(`${baseURL}${route}`, { ...init, headers });
}

/** Reads a file from disk as an upload part. */
export async function fileFrom(filePath: string): Promise<UploadFile> {
  return { name: path.basename(filePath), data: await readFile(filePath) };
}

export interface UploadAnswer {
  status: number;
  body: { batchId?: string; documents?: UploadedDocument[]; rejected?: { filename: string; status: number; error: string }[]; error?: string };
  headers: Headers;
}

/** POSTs files as multipart parts named `files`; returns the status, JSON body and headers. */
export async function upload(baseURL: string, files: UploadFile[], token: string | null = defaultToken ?? null): Promise<UploadAnswer> {
  const form = new FormData();
  for (const file of files) {
    const part = typeof file.data === "string" ? file.data : new Uint8Array(file.data);
    form.append("files", new Blob([part], { type: file.type ?? "application/octet-stream" }), file.name);
  }
  const response = await api(baseURL, "/api/documents", { method: "POST", body: form }, token);
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/**
 * POSTs one file as a hand-written multipart body, so its file name reaches the server byte for
 * byte (FormData would escape control characters and quotes).
 */
export async function uploadRawName(
  baseURL: string,
  rawFilename: string,
  data: Uint8Array | string,
  token: string | null = defaultToken ?? null,
): Promise<UploadAnswer> {
  const boundary = `----hostile${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${rawFilename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    "utf8",
  );
  const body = Buffer.concat([head, Buffer.from(data), Buffer.from(`\r\n--${boundary}--\r\n`, "utf8")]);
  const response = await api(baseURL, "/api/documents", {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body,
  }, token);
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** GETs one document. */
export async function getDocument(
  baseURL: string,
  id: string,
  token: string | null = defaultToken ?? null,
): Promise<{ status: number; body: DocumentDetail & { error: string | null } }> {
  const response = await api(baseURL, `/api/documents/${id}`, {}, token);
  return { status: response.status, body: await response.json() };
}

export interface ListPage {
  documents: DocumentListItem[];
  nextCursor: string | null;
  total: number;
}

/** GETs one page of the document list with the given query parameters; throws on anything but 200. */
export async function listPage(baseURL: string, params: Record<string, string> = {}, token: string | null = defaultToken ?? null): Promise<ListPage> {
  const response = await api(baseURL, `/api/documents?${new URLSearchParams(params)}`, {}, token);
  if (response.status !== 200) throw new Error(`GET /api/documents answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as ListPage;
}

/**
 * The whole document list, walking every page by `nextCursor`; checks that the pages add up to
 * the `total` every page reports, so no count passes by seeing the first page only.
 */
export async function listDocuments(
  baseURL: string,
  token: string | null = defaultToken ?? null,
  params: Record<string, string> = {},
): Promise<DocumentListItem[]> {
  const documents: DocumentListItem[] = [];
  let cursor: string | null = null;
  let total: number | undefined;
  do {
    const page: ListPage = await listPage(baseURL, { limit: "200", ...params, ...(cursor ? { cursor } : {}) }, token);
    documents.push(...page.documents);
    total ??= page.total;
    cursor = page.nextCursor;
  } while (cursor);
  if (documents.length !== total) throw new Error(`the pages listed ${documents.length} documents, but total said ${total}`);
  return documents;
}

function record<T extends { id: string }>(byId: Map<string, T[]>, event: T): void {
  const list = byId.get(event.id) ?? [];
  list.push(event);
  byId.set(event.id, list);
}

/** A connected Socket.IO client that records every progress and summary event by document. */
export class ProgressWatcher {
  readonly events = new Map<string, DocumentProgress[]>();
  readonly summaries = new Map<string, DocumentSummaryEvent[]>();
  readonly answers = new Map<string, QuestionAnswerEvent[]>();
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private waiters: (() => void)[] = [];
  private heardAt = Date.now();

  private constructor(baseURL: string, token: string | null) {
    this.socket = io(baseURL, { transports: ["websocket"], reconnection: true, auth: token ? { token } : {} });
    this.socket.on("document:progress", (event) => {
      record(this.events, event);
      this.wake();
    });
    this.socket.on("document:summary", (event) => {
      record(this.summaries, event);
      this.wake();
    });
    this.socket.on("question:answer", (event) => {
      record(this.answers, event);
      this.wake();
    });
    // As a browser does: events may have been lost, so each document followed so far is read again.
    this.socket.on("events:missed", () => this.readAgain([...this.events.keys()]));
  }

  /** Reads the documents' states again, recording those `keep` accepts as their latest events. */
  private readAgain(ids: string[], keep: (state: DocumentProgress) => boolean = () => true): void {
    for (const id of ids) {
      void this.follow(id).then((answer) => {
        if (!answer.ok) return;
        const { summaryDraft: _draft, summary: _summary, ...state } = answer.document;
        if (!keep(state)) return;
        record(this.events, state);
        this.wake();
      });
    }
  }

  private wake(): void {
    this.heardAt = Date.now();
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  /** Connects and resolves once the server accepted the connection. */
  static async connect(baseURL: string, token: string | null = defaultToken ?? null): Promise<ProgressWatcher> {
    const watcher = new ProgressWatcher(baseURL, token);
    await new Promise<void>((resolve, reject) => {
      watcher.socket.once("connect", () => resolve());
      watcher.socket.once("connect_error", reject);
    });
    return watcher;
  }

  /** Asks to follow a document: its state now, or the refusal. */
  follow(id: unknown): Promise<FollowAnswer> {
    return new Promise((resolve) => this.socket.emit("document:follow", id as string, resolve));
  }

  /** Resolves with the reason when the server closes this connection. */
  closedByServer(): Promise<string> {
    return new Promise((resolve) => this.socket.on("disconnect", (reason) => reason === "io server disconnect" && resolve(reason)));
  }

  /** The last event seen for a document. */
  last(id: string): DocumentProgress | undefined {
    return this.events.get(id)?.at(-1);
  }

  /** The summary events seen for a document, in order. */
  summaryEvents(id: string): DocumentSummaryEvent[] {
    return this.summaries.get(id) ?? [];
  }

  /** The answer events seen for a question, in order. */
  answerEvents(id: string): QuestionAnswerEvent[] {
    return this.answers.get(id) ?? [];
  }

  /** Resolves with a question's last event once it has one with `done` (its answer ended); rejects after `timeoutMs`. */
  async waitForAnswer(id: string, timeoutMs = 60_000): Promise<QuestionAnswerEvent> {
    const last = () => this.answerEvents(id).at(-1);
    await this.until(() => last()?.done === true, () => `question ${id} not answered in time: ${JSON.stringify(last())}`, timeoutMs);
    return last()!;
  }

  /** Resolves once `condition` holds (checked now and after every event); rejects after `timeoutMs` with `describe()`. */
  async until(condition: () => boolean, describe: () => string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(describe());
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves when every id has a final event (done, failed or cancelled); rejects after `timeoutMs`. */
  async waitForFinal(ids: string[], timeoutMs = 150_000): Promise<Map<string, DocumentProgress>> {
    const finished = (id: string) => {
      const status = this.last(id)?.status;
      return status !== undefined && isFinal(status);
    };
    // As a browser does: after a quiet spell with work still running, the state is read again.
    const quiet = setInterval(() => {
      if (Date.now() - this.heardAt < EVENTS_QUIET_MS) return;
      this.heardAt = Date.now();
      // Only an end is taken from it, so the recorded bars stay as the events drew them.
      this.readAgain(ids.filter((id) => !finished(id)), (state) => isFinal(state.status));
    }, EVENTS_QUIET_MS / 4);
    try {
      await this.until(
        () => ids.every(finished),
        () => `documents not finished in time:\n${ids.filter((id) => !finished(id)).map((id) => `${id}: ${JSON.stringify(this.last(id))}`).join("\n")}`,
        timeoutMs,
      );
    } finally {
      clearInterval(quiet);
    }
    return new Map(ids.map((id) => [id, this.last(id)!]));
  }

  close(): void {
    this.socket.close();
  }
}

/** Signs in with email and password; returns the session cookie ("name=value"). */
export async function signIn(baseURL: string, email: string, password: string): Promise<string> {
  const login = await fetch(`${baseURL}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) });
  if (login.status !== 200) throw new Error(`signing in ${email} answered ${login.status}: ${await login.text()}`);
  return login.headers.getSetCookie()[0].split(";")[0];
}

/** Creates an account as an admin, signs it in and makes an API token for it. */
export async function createAccount(baseURL: string, email: string, adminToken = defaultToken ?? null): Promise<{ id: string; token: string; cookie: string }> {
  const password = "another correct horse";
  const created = await api(baseURL, "/api/users", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password }) }, adminToken);
  if (created.status !== 201) throw new Error(`creating ${email} answered ${created.status}: ${await created.text()}`);
  const { user } = (await created.json()) as { user: { id: string } };
  const cookie = await signIn(baseURL, email, password);
  const made = await fetch(`${baseURL}/api/tokens`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify({ name: "tests" }) });
  return { id: user.id, token: ((await made.json()) as { token: string }).token, cookie };
}

/** Whether the web process answers its health check. */
export async function isHealthy(baseURL: string): Promise<boolean> {
  try {
    return (await fetch(`${baseURL}/api/health`)).ok;
  } catch {
    return false;
  }
}

/** GETs the owner's similarity status (library statistics and re-embedding). */
export async function similarityStatus(baseURL: string, token: string | null = defaultToken ?? null): Promise<SimilarityStatus> {
  const response = await api(baseURL, "/api/similarity", {}, token);
  if (response.status !== 200) throw new Error(`GET /api/similarity answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as SimilarityStatus;
}

/**
 * Resolves once the owner's library statistics are settled: no statistics job waiting or running
 * and the re-embedding under the latest ones finished, twice in a row a second apart.
 */
export async function waitForSimilarityIdle(baseURL: string, token: string | null = defaultToken ?? null, timeoutMs = 120_000): Promise<SimilarityStatus> {
  const deadline = Date.now() + timeoutMs;
  let settled = 0;
  for (;;) {
    const status = await similarityStatus(baseURL, token);
    settled = status.refreshing ? 0 : settled + 1;
    if (settled >= 2) return status;
    if (Date.now() > deadline) throw new Error(`library statistics still refreshing: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}
