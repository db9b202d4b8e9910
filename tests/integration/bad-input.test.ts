/** Files that cannot be processed fail on their own, with a message for their owner; requests that are wrong are refused whole. */
import { randomBytes, randomUUID } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { fixturePath } from "../fixtures";
import { getDocument, listDocuments, ProgressWatcher, upload, api } from "./client";

const baseURL = inject("baseURL");
const storageDir = inject("storageDir");

/** Random bytes that are not UTF-8 and hold no NUL byte and no known signature. */
function binaryWithoutNul(length: number): Buffer {
  const bytes = randomBytes(length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = 0x80 | (bytes[i] & 0x7f) || 0xff;
  return bytes;
}

describe("files that cannot be processed", () => {
  let watcher: ProgressWatcher;
  beforeAll(async () => {
    watcher = await ProgressWatcher.connect(baseURL);
  });
  afterAll(() => watcher?.close());

  it("fails each bad file with its own message and finishes the good one sent with them", async () => {
    const damagedPdf = (await readFile(fixturePath("keyval.pdf"))).subarray(0, 2000);
    const goodText = `Release notes ${randomUUID()}.\n\nThe scheduler now retries failed jobs with a polynomial backoff. Progress is pushed to the browser as each stage finishes. Duplicate uploads are detected by their content hash.`;
    const { status, body } = await upload(baseURL, [
      { name: "damaged.pdf", data: damagedPdf },
      { name: "empty.txt", data: new Uint8Array() },
      { name: "binary.txt", data: binaryWithoutNul(3000) },
      { name: "notes.txt", data: goodText },
    ]);
    expect(status).toBe(202);
    expect(body.documents!.filter((d) => d.duplicate)).toEqual([]);
    const byName = new Map(body.documents!.map((d) => [d.filename, d.id]));
    const final = await watcher.waitForFinal([...byName.values()]);

    const expectations: [string, string, string][] = [
      ["damaged.pdf", "failed", "This PDF is damaged or incomplete and could not be read."],
      ["empty.txt", "failed", "This file is empty."],
      ["binary.txt", "failed", "This file does not contain readable text."],
    ];
    for (const [name, state, message] of expectations) {
      expect(final.get(byName.get(name)!), name).toMatchObject({ status: state, stage: "extract", error: message });
      const detail = await getDocument(baseURL, byName.get(name)!);
      expect(detail.body).toMatchObject({ status: "failed", error: message, summary: null });
    }
    expect(final.get(byName.get("notes.txt")!)).toMatchObject({ status: "done", progress: 100 });
    const notes = await getDocument(baseURL, byName.get("notes.txt")!);
    expect(notes.body.summary).toContain("polynomial backoff");
  });
});

describe("requests that are refused whole", () => {
  async function state() {
    return { documents: (await listDocuments(baseURL)).length, files: (await readdir(storageDir)).length };
  }

  it("refuses a body that is not multipart with 400", async () => {
    const response = await api(baseURL, `/api/documents`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/multipart\/form-data/);
  });

  it("refuses a multipart body without a files part with 400", async () => {
    const form = new FormData();
    form.append("note", "hello");
    const response = await api(baseURL, `/api/documents`, { method: "POST", body: form });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/No files/);
  });

  // Images are read by OCR now, whatever their name (tests/integration/formats.test.ts reads a PNG named .txt):
  // an archive stands for what is still refused. A refused file is refused alone; the drop's others are kept.
  it("refuses a zip archive renamed .txt alone: 202 with the fine file kept and the archive named with 415", async () => {
    const before = await state();
    const zip = Buffer.concat([Buffer.from("504b0304140000000800", "hex"), randomBytes(200)]);
    const fine = `fine-${randomUUID()}.txt`;
    const { status, body } = await upload(baseURL, [
      { name: fine, data: `A fine text file ${randomUUID()}.` },
      { name: "archive.txt", data: zip },
    ]);
    expect(status).toBe(202);
    expect(body.documents!.map((d) => d.filename)).toEqual([fine]);
    expect(body.rejected).toEqual([{ filename: "archive.txt", status: 415, error: expect.stringContaining('"archive.txt" is not a supported type') }]);
    // The fine file's document and file are kept; nothing of the archive is.
    expect(await state()).toEqual({ documents: before.documents + 1, files: before.files + 1 });
  });

  it("refuses a drop whose every file is refused with the first one's status, naming each, and keeps nothing", async () => {
    const before = await state();
    const zip = Buffer.concat([Buffer.from("504b0304140000000800", "hex"), randomBytes(200)]);
    const { status, body } = await upload(baseURL, [{ name: "archive.txt", data: zip }]);
    expect(status).toBe(415);
    expect(body.error).toContain("archive.txt");
    expect(body.rejected).toEqual([{ filename: "archive.txt", status: 415, error: body.error }]);
    expect(await state()).toEqual(before);
  });

  it("refuses a file over the size limit with 413 and keeps nothing of the request", async () => {
    const before = await state();
    const big = Buffer.alloc(6 * 1024 * 1024, "a");
    const { status, body } = await upload(baseURL, [{ name: "big.txt", data: big }]);
    expect(status).toBe(413);
    expect(body.error).toMatch(/big\.txt.*larger than the 5 MB limit/);
    expect(await state()).toEqual(before);
  });

  it("answers 404 for an unknown id and 400 for a malformed one, with a JSON error", async () => {
    const unknown = await getDocument(baseURL, randomUUID());
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe("Document not found");
    const malformed = await getDocument(baseURL, "not-an-id");
    expect(malformed.status).toBe(400);
    expect(malformed.body.error).toMatch(/not a document id/);
  });
});
