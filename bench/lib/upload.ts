/** Uploads as the benchmarks send them: timed to the answer's status line, or streamed from a generator. */
import { once } from "node:events";
import { request } from "node:http";
import { performance } from "node:perf_hooks";
import { authorization } from "../../tests/integration/client";

/** A multipart body with one part per file, named `files` as the app expects. */
export function uploadForm(files: { name: string; data: Uint8Array }[]): FormData {
  const form = new FormData();
  for (const file of files) form.append("files", new Blob([file.data as Uint8Array<ArrayBuffer>], { type: "application/pdf" }), file.name);
  return form;
}

/** POSTs a prepared form to `url`; resolves with the status and the milliseconds until the status line arrived. */
export async function timedPost(url: string, form: FormData): Promise<{ status: number; ms: number; body: unknown }> {
  const start = performance.now();
  const response = await fetch(url, { method: "POST", body: form, headers: authorization() });
  const ms = performance.now() - start;
  const text = await response.text();
  return { status: response.status, ms, body: text ? JSON.parse(text) : null };
}

/** A generated body: `head`, then `chunk` repeated up to `totalBytes`; one chunk in memory at a time. */
export async function* generatedBytes(totalBytes: number, head: Buffer, chunk: Buffer): AsyncGenerator<Buffer> {
  yield head;
  for (let sent = head.length; sent < totalBytes; sent += chunk.length) {
    yield sent + chunk.length <= totalBytes ? chunk : chunk.subarray(0, totalBytes - sent);
  }
}

/**
 * Streams one file part of `totalBytes` from `source` to `url` as multipart/form-data, with
 * backpressure, so the sender holds one chunk at a time.
 */
export async function streamedUpload(url: string, filename: string, totalBytes: number, source: AsyncIterable<Buffer>): Promise<{ status: number; ms: number; body: string }> {
  const boundary = `----bench${Date.now().toString(16)}`;
  const preamble = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const epilogue = Buffer.from(`\r\n--${boundary}--\r\n`);
  const start = performance.now();
  const req = request(url, {
    method: "POST",
    headers: {
      ...authorization(),
      "content-type": `multipart/form-data; boundary=${boundary}`,
      "content-length": String(preamble.length + totalBytes + epilogue.length),
    },
  });
  const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.once("error", reject);
    req.once("response", (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (text: string) => (body += text));
      res.once("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
  });
  const write = async (buffer: Buffer) => {
    if (!req.write(buffer)) await Promise.race([once(req, "drain"), answered]);
  };
  await write(preamble);
  for await (const chunk of source) await write(chunk);
  req.end(epilogue);
  const { status, body } = await answered;
  return { status, ms: performance.now() - start, body };
}
