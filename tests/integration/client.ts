/** Test clients for the running stack: multipart uploads and a real Socket.IO connection. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { io, type Socket } from "socket.io-client";
import type { DocumentDetail, DocumentListItem, UploadedDocument } from "@/lib/document-types";
import type { ClientToServerEvents, DocumentProgress, ServerToClientEvents } from "@/lib/events";

export interface UploadFile {
  name: string;
  data: Uint8Array | string;
  type?: string;
}

/** Reads a file from disk as an upload part. */
export async function fileFrom(filePath: string): Promise<UploadFile> {
  return { name: path.basename(filePath), data: await readFile(filePath) };
}

export interface UploadAnswer {
  status: number;
  body: { documents?: UploadedDocument[]; error?: string };
  headers: Headers;
}

/** POSTs files as multipart parts named `files`; returns the status, JSON body and headers. */
export async function upload(baseURL: string, files: UploadFile[]): Promise<UploadAnswer> {
  const form = new FormData();
  for (const file of files) {
    const part = typeof file.data === "string" ? file.data : new Uint8Array(file.data);
    form.append("files", new Blob([part], { type: file.type ?? "application/octet-stream" }), file.name);
  }
  const response = await fetch(`${baseURL}/api/documents`, { method: "POST", body: form });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/**
 * POSTs one file as a hand-written multipart body, so its file name reaches the server byte for
 * byte (FormData would escape control characters and quotes).
 */
export async function uploadRawName(baseURL: string, rawFilename: string, data: Uint8Array | string): Promise<UploadAnswer> {
  const boundary = `----hostile${Math.random().toString(16).slice(2)}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${rawFilename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    "utf8",
  );
  const body = Buffer.concat([head, Buffer.from(data), Buffer.from(`\r\n--${boundary}--\r\n`, "utf8")]);
  const response = await fetch(`${baseURL}/api/documents`, {
    method: "POST",
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
    body,
  });
  return { status: response.status, body: await response.json(), headers: response.headers };
}

/** GETs one document. */
export async function getDocument(baseURL: string, id: string): Promise<{ status: number; body: DocumentDetail & { error: string | null } }> {
  const response = await fetch(`${baseURL}/api/documents/${id}`);
  return { status: response.status, body: await response.json() };
}

/** GETs the document list. */
export async function listDocuments(baseURL: string): Promise<DocumentListItem[]> {
  const response = await fetch(`${baseURL}/api/documents`);
  return ((await response.json()) as { documents: DocumentListItem[] }).documents;
}

/** A connected Socket.IO client that records every progress event by document. */
export class ProgressWatcher {
  readonly events = new Map<string, DocumentProgress[]>();
  private readonly socket: Socket<ServerToClientEvents, ClientToServerEvents>;
  private waiters: (() => void)[] = [];

  private constructor(baseURL: string) {
    this.socket = io(baseURL, { transports: ["websocket"], reconnection: true });
    this.socket.on("document:progress", (event) => {
      const list = this.events.get(event.id) ?? [];
      list.push(event);
      this.events.set(event.id, list);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Connects and resolves once the server accepted the connection. */
  static async connect(baseURL: string): Promise<ProgressWatcher> {
    const watcher = new ProgressWatcher(baseURL);
    await new Promise<void>((resolve, reject) => {
      watcher.socket.once("connect", () => resolve());
      watcher.socket.once("connect_error", reject);
    });
    return watcher;
  }

  /** The last event seen for a document. */
  last(id: string): DocumentProgress | undefined {
    return this.events.get(id)?.at(-1);
  }

  /** Resolves when every id has a final event (done, failed or cancelled); rejects after `timeoutMs`. */
  async waitForFinal(ids: string[], timeoutMs = 150_000): Promise<Map<string, DocumentProgress>> {
    const deadline = Date.now() + timeoutMs;
    const isFinal = (id: string) => ["done", "failed", "cancelled"].includes(this.last(id)?.status ?? "");
    while (!ids.every(isFinal)) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        const pending = ids.filter((id) => !isFinal(id)).map((id) => `${id}: ${JSON.stringify(this.last(id))}`);
        throw new Error(`documents not finished in time:\n${pending.join("\n")}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return new Map(ids.map((id) => [id, this.last(id)!]));
  }

  close(): void {
    this.socket.close();
  }
}

/** Whether the web process answers its health check. */
export async function isHealthy(baseURL: string): Promise<boolean> {
  try {
    return (await fetch(`${baseURL}/api/health`)).ok;
  } catch {
    return false;
  }
}
