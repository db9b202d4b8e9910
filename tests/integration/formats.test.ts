/**
 * Every document people have, against a stack of its own: Word, OpenDocument and PowerPoint
 * files, a scanned PDF, a photo of a page and a PDF of text and scanned pages all end done with
 * their words; OCR moves the bar page by page; files that must not be read (a zip bomb named
 * .docx, a .docx of 10,000 parts, an image of noise, an image of 30,000 × 30,000 pixels) fail
 * their own document while a good file of the same drop ends done; a drop with refused files
 * keeps the others and names the refused ones; a title the person set survives processing again.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOwnStack, testRedisDatabase, type Stack } from "../harness";
import { fixturePath } from "../fixtures";
import { zipBombDocx } from "../hostile-files";
import { makeDocx, makeOdt, makePptx, manyEntriesDocx } from "../office-files";
import { hugePngHeader, mixedPdf, noisePng, renderPages, scannedPdf } from "../scans";
import { api, getDocument, ProgressWatcher, upload, type UploadFile } from "./client";

const MB = 1024 * 1024;

let stack: Stack;
let watcher: ProgressWatcher;
let close: () => Promise<void>;
/** Made once, before the stack starts: building it takes seconds (an idle connection meanwhile may be closed under the upload). */
let zipBomb: Buffer;

beforeAll(async () => {
  zipBomb = zipBombDocx(200 * MB);
  ({ stack, watcher, close } = await startOwnStack("docsum_formats", { REDIS_URL: testRedisDatabase(9), MAX_UPLOAD_BYTES: String(5 * MB) }, { watch: true }));
});

afterAll(async () => {
  await close?.();
});

/** A text file of its own (never a duplicate of an earlier one). */
const goodText = (): UploadFile => ({
  name: `harbour-${randomUUID().slice(0, 8)}.txt`,
  data: `The harbour ferry ${randomUUID()} leaves at nine. Gulls follow the nets while the fishermen mend them on the quay.`,
});

/** Uploads the files as one drop and waits for every document; answers them by file name. */
async function dropAndWait(files: UploadFile[]) {
  const { status, body } = await upload(stack.baseURL, files);
  expect(status, JSON.stringify(body)).toBe(202);
  expect(body.rejected).toEqual([]);
  const ids = body.documents!.map((doc) => doc.id);
  await watcher.waitForFinal(ids, 240_000);
  const details = await Promise.all(ids.map(async (id) => (await getDocument(stack.baseURL, id)).body));
  return new Map(details.map((detail) => [detail.filename, detail]));
}

async function textOf(id: string): Promise<string> {
  const response = await api(stack.baseURL, `/api/documents/${id}/text?offset=0&length=100000`);
  return ((await response.json()) as { text: string }).text;
}

const tag = () => randomUUID().slice(0, 8);

describe("formats", () => {
  it("reads a .docx, an .odt and a .pptx with their headings, lists and title", async () => {
    const word = tag();
    const content = {
      title: `Harbour Timetable ${word}`,
      blocks: [
        { heading: "Ferry services" },
        { paragraph: `The morning ferry ${word} leaves the harbour at nine o'clock.` },
        { heading: "Changes this spring", level: 2 },
        { list: ["A faster boat on Sundays", "A new pier for bicycles"] },
      ],
    };
    const docs = await dropAndWait([
      { name: "timetable.docx", data: makeDocx(content) },
      { name: "timetable.odt", data: makeOdt({ ...content, title: undefined }) },
      {
        name: "timetable.pptx",
        data: makePptx({
          slides: [
            { title: "Ferry services", box: `The morning ferry ${word} leaves the harbour at nine o'clock.` },
            { title: "Changes this spring", bullets: ["A faster boat on Sundays", "A new pier for bicycles"], notes: `Mention the ${word} timetable.` },
          ],
        }),
      },
    ]);
    const docx = docs.get("timetable.docx")!;
    const odt = docs.get("timetable.odt")!;
    const pptx = docs.get("timetable.pptx")!;
    expect(docx).toMatchObject({ status: "done", mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", title: `Harbour Timetable ${word}` });
    // No title property: the first heading is the title.
    expect(odt).toMatchObject({ status: "done", mimeType: "application/vnd.oasis.opendocument.text", title: "Ferry services" });
    expect(pptx).toMatchObject({ status: "done", mimeType: "application/vnd.openxmlformats-officedocument.presentationml.presentation", title: "Ferry services" });
    expect(await textOf(pptx.id)).toContain(`Mention the ${word} timetable.`);
    for (const doc of [docx, odt, pptx]) {
      const text = await textOf(doc.id);
      expect(text).toContain(`The morning ferry ${word} leaves the harbour`);
      expect(text).toMatch(/A faster boat on Sundays\s+\* A new pier for bicycles/);
      expect(doc.outline.map((entry) => [entry.title, entry.level])).toEqual([
        ["Ferry services", 1],
        ["Changes this spring", 2],
      ]);
      // Only PDFs and images get a thumbnail.
      expect((await api(stack.baseURL, `/api/documents/${doc.id}/thumbnail`)).status).toBe(404);
    }
  });

  it("reads a scanned two-page PDF by OCR, the bar moving page by page", async () => {
    const scan = await scannedPdf(fixturePath("trig.pdf"), 1, 2, 200);
    const { status, body } = await upload(stack.baseURL, [{ name: "scan.pdf", data: scan }]);
    expect(status).toBe(202);
    const id = body.documents![0].id;
    const final = (await watcher.waitForFinal([id], 240_000)).get(id)!;
    expect(final).toMatchObject({ status: "done", progress: 100 });
    const events = watcher.events.get(id)!;
    const details = events.map((event) => event.detail).filter((detail) => detail?.includes("(OCR)"));
    expect(details).toEqual(["Reading page 1 of 2 (OCR)", "Reading page 2 of 2 (OCR)"]);
    const ocrProgress = events.filter((event) => event.detail?.includes("(OCR)")).map((event) => event.progress);
    expect(ocrProgress[1]).toBeGreaterThan(ocrProgress[0]);
    const detail = (await getDocument(stack.baseURL, id)).body;
    expect(detail.pages).toBe(2);
    expect(detail.runs.find((run) => run.stage === "extract" && run.outcome === "done")?.note).toBe("2 pages were read by OCR.");
    const text = await textOf(id);
    expect(text).toMatch(/trig package/i);
    expect(text).toContain("Carlisle");
  });

  it("reads a photo of a page (PNG, even named .txt) and a PDF of a text page and a scanned page", async () => {
    const [photo] = await renderPages(fixturePath("keyval.pdf"), 1, 1, 200);
    const mixed = await mixedPdf(fixturePath("graphicx.pdf"), 1, fixturePath("trig.pdf"), 1, 200);
    const docs = await dropAndWait([
      { name: "keyval-photo.txt", data: photo },
      { name: "mixed.pdf", data: mixed },
    ]);
    const image = docs.get("keyval-photo.txt")!;
    expect(image).toMatchObject({ status: "done", mimeType: "image/png" });
    expect(await textOf(image.id)).toMatch(/keyval package/i);
    const both = docs.get("mixed.pdf")!;
    expect(both).toMatchObject({ status: "done", pages: 2 });
    expect(both.runs.find((run) => run.stage === "extract" && run.outcome === "done")?.note).toBe("One page was read by OCR.");
    const text = await textOf(both.id);
    expect(text).toMatch(/graphicx package/i);
    expect(text).toMatch(/trig package/i);

    // Each has a thumbnail: a PNG at most 320 pixels on its longer side, stored beside its file.
    for (const doc of [image, both]) {
      const thumbnail = await api(stack.baseURL, `/api/documents/${doc.id}/thumbnail`);
      expect([thumbnail.status, thumbnail.headers.get("content-type")]).toEqual([200, "image/png"]);
      const png = Buffer.from(await thumbnail.arrayBuffer());
      expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
      expect(Math.max(png.readUInt32BE(16), png.readUInt32BE(20))).toBe(320);
    }
  });

  const refusedToRead: { name: string; file: () => UploadFile; error: RegExp }[] = [
    { name: "a zip bomb named .docx", file: () => ({ name: "bomb.docx", data: zipBomb }), error: /^This Word document unpacks to more than 100 MB \(it may be a zip bomb\); it was not read\.$/ },
    { name: "a .docx of 10,000 parts", file: () => ({ name: "parts.docx", data: manyEntriesDocx(10_000) }), error: /^This Word document holds more than 2,000 parts/ },
    { name: "an image of noise", file: () => ({ name: "noise.png", data: noisePng(600, 400) }), error: /^No text could be read from this file, even with OCR\.$/ },
    {
      name: "an image of 30,000 × 30,000 pixels",
      file: () => ({ name: "huge.png", data: hugePngHeader(30_000, 30_000) }),
      error: /^This image is too large to read: 30,000 × 30,000 pixels, over the limit of 40,000,000 pixels\.$/,
    },
  ];
  for (const { name, file, error } of refusedToRead) {
    it(`${name} fails its own document; a good file of the same drop ends done`, async () => {
      const good = goodText();
      const bomb = file();
      const docs = await dropAndWait([bomb, good]);
      const bad = docs.get(bomb.name)!;
      expect(bad).toMatchObject({ status: "failed", stage: "extract", summary: null });
      expect(bad.error).toMatch(error);
      expect(docs.get(good.name)).toMatchObject({ status: "done" });
    });
  }
});

describe("mixed drops", () => {
  it("keeps every acceptable file and names each refused one with the status it alone would have had", async () => {
    const good = goodText();
    const { status, body } = await upload(stack.baseURL, [
      { name: "archive.txt", data: gzipSync(`compressed ${tag()}`) },
      good,
      { name: "big.txt", data: Buffer.alloc(6 * MB, "a") },
    ]);
    expect(status).toBe(202);
    expect(body.documents!.map((doc) => doc.filename)).toEqual([good.name]);
    expect(body.rejected).toEqual([
      { filename: "archive.txt", status: 415, error: expect.stringMatching(/^"archive\.txt" is not a supported type\. Upload PDF, .*Word.* files\.$/) },
      { filename: "big.txt", status: 413, error: '"big.txt" is larger than the 5 MB limit.' },
    ]);
    await watcher.waitForFinal([body.documents![0].id]);
  });

  it("answers the first refused file's status, with every refused file named, when none is accepted", async () => {
    const { status, body } = await upload(stack.baseURL, [
      { name: "big.txt", data: Buffer.alloc(6 * MB, "a") },
      { name: "archive.txt", data: gzipSync(`compressed ${tag()}`) },
    ]);
    expect(status).toBe(413);
    expect(body.error).toBe('"big.txt" is larger than the 5 MB limit.');
    expect(body.documents).toBeUndefined();
    expect((body.rejected ?? []).map((file) => [file.filename, file.status])).toEqual([
      ["big.txt", 413],
      ["archive.txt", 415],
    ]);
  });
});

describe("titles", () => {
  it("takes a PDF's metadata title, and keeps a title the person set when the document is processed again", async () => {
    const docs = await dropAndWait([{ name: "graphicx.pdf", data: Buffer.concat([await readFile(fixturePath("graphicx.pdf")), Buffer.from(`%${tag()}\n`)]) }]);
    const doc = docs.get("graphicx.pdf")!;
    expect(doc.title).toBe("The graphicx package");

    const renamed = await api(stack.baseURL, `/api/documents/${doc.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "  Graphics   notes " }) });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toEqual({ id: doc.id, title: "Graphics notes" });
    const empty = await api(stack.baseURL, `/api/documents/${doc.id}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "  " }) });
    expect(empty.status).toBe(400);

    const asked = Date.now();
    expect((await api(stack.baseURL, `/api/documents/${doc.id}/reprocess`, { method: "POST" })).status).toBe(200);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { body } = await getDocument(stack.baseURL, doc.id);
      if (body.status === "done" && body.finishedAt && Date.parse(body.finishedAt) >= asked) break;
      if (Date.now() > deadline) throw new Error(`not processed again: ${body.status} ${body.stage}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect((await getDocument(stack.baseURL, doc.id)).body.title).toBe("Graphics notes");
  });
});
