import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { detectType } from "@/lib/parsing";
import { strToU8, zipSync } from "fflate";
import { fixturePath } from "../fixtures";
import { zipBombDocx } from "../hostile-files";
import { makeDocx, makeOdt, makePptx } from "../office-files";

const PNG_HEADER = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

async function head(name: string): Promise<Buffer> {
  return (await readFile(fixturePath(name))).subarray(0, 4100);
}

describe("detectType", () => {
  it("recognises PDFs by their signature, whatever they are called", async () => {
    expect(await detectType(await head("graphicx.pdf"), "graphicx.pdf")).toEqual({ mimeType: "application/pdf" });
    expect(await detectType(await head("bzip2-manual.pdf"), "notes.txt")).toEqual({ mimeType: "application/pdf" });
  });

  it("reads UTF-16 with a byte order mark as text, and refuses it without one", async () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<html><body>Hi</body></html>", "utf16le")]);
    expect(await detectType(le, "page.txt")).toEqual({ mimeType: "text/html" });
    expect(await detectType(Buffer.from(le).swap16(), "page.txt")).toEqual({ mimeType: "text/html" });
    const notes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("# Notes", "utf16le")]);
    expect(await detectType(notes, "notes.md")).toEqual({ mimeType: "text/markdown" });
    expect(await detectType(Buffer.from("no mark", "utf16le"), "notes.txt")).toBeNull();
  });

  it("recognises Word, OpenDocument and PowerPoint files by their ZIP entries, and refuses other zip archives, whatever they are called", async () => {
    const content = { title: "Letter", blocks: [{ heading: "Dear reader" }, { paragraph: "Thanks for the letter." }] };
    const docx = makeDocx(content).subarray(0, 4100);
    const odt = makeOdt(content).subarray(0, 4100);
    expect(await detectType(docx, "letter.docx")).toEqual({ mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" });
    expect(await detectType(docx, "letter.txt")).toEqual({ mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" });
    expect(await detectType(odt, "letter.pdf")).toEqual({ mimeType: "application/vnd.oasis.opendocument.text" });
    const pptx = makePptx({ slides: [{ title: "Dear reader", bullets: ["Thanks for the letter."] }] });
    expect(await detectType(pptx.subarray(0, 4100), "letter.zip")).toEqual({ mimeType: "application/vnd.openxmlformats-officedocument.presentationml.presentation" });
    // A zip bomb shaped like a .docx is a Word file by its bytes: the Word reader's limits refuse it.
    expect(await detectType(zipBombDocx(1024 * 1024).subarray(0, 4100), "bomb.pdf")).toEqual({
      mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    });
    const other = Buffer.from(zipSync({ "notes/readme.txt": strToU8("hello ".repeat(50)) }));
    expect(await detectType(other, "letter.docx")).toBeNull();
    const zip = Buffer.from("504b0304140000000800", "hex");
    expect(await detectType(Buffer.concat([zip, Buffer.alloc(200, 1)]), "letter.docx")).toBeNull();
  });

  it("recognises PNG, JPEG, TIFF and WebP images by their magic numbers, whatever they are called", async () => {
    expect(await detectType(PNG_HEADER, "picture.txt")).toEqual({ mimeType: "image/png" });
    expect(await detectType(Buffer.concat([Buffer.from("ffd8ffe000104a46494600", "hex"), Buffer.alloc(100)]), "photo.pdf")).toEqual({ mimeType: "image/jpeg" });
    expect(await detectType(Buffer.concat([Buffer.from("49492a0008000000", "hex"), Buffer.alloc(100)]), "scan")).toEqual({ mimeType: "image/tiff" });
    const webp = Buffer.concat([Buffer.from("RIFF"), Buffer.from([0x24, 0, 0, 0]), Buffer.from("WEBPVP8 "), Buffer.alloc(100)]);
    expect(await detectType(webp, "photo.txt")).toEqual({ mimeType: "image/webp" });
  });

  it("tells Markdown from plain text by the extension of a text file", async () => {
    expect(await detectType(await head("apt-README.md"), "apt-README.md")).toEqual({ mimeType: "text/markdown" });
    expect(await detectType(await head("apt-README.md"), "README.MARKDOWN")).toEqual({ mimeType: "text/markdown" });
    expect(await detectType(await head("apt-README.md"), "README")).toEqual({ mimeType: "text/plain" });
    expect(await detectType(await head("coreutils-README.txt"), "coreutils-README.txt")).toEqual({ mimeType: "text/plain" });
  });

  it("recognises HTML by its content", async () => {
    const page = Buffer.from("\uFEFF  \n<!DOCTYPE html><html><body><p>Hello</p></body></html>");
    expect(await detectType(page, "page.txt")).toEqual({ mimeType: "text/html" });
    expect(await detectType(Buffer.from("<HTML><p>Hello</p></HTML>"), "upload")).toEqual({ mimeType: "text/html" });
    const fragment = Buffer.from("<meta charset=utf-8>\n<title>Notes</title>\n<body>Hello</body>");
    expect(await detectType(fragment, "notes")).toEqual({ mimeType: "text/html" });
    const xhtml = Buffer.from('<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>');
    expect(await detectType(xhtml, "page.xhtml")).toEqual({ mimeType: "text/html" });
  });

  it("treats markup-looking text as HTML only when named .html or .htm", async () => {
    const snippet = Buffer.from("<p>Hello</p>\n<p>World</p>");
    expect(await detectType(snippet, "index.HTM")).toEqual({ mimeType: "text/html" });
    expect(await detectType(snippet, "snippet.txt")).toEqual({ mimeType: "text/plain" });
    expect(await detectType(Buffer.from("Hello <b>world</b>"), "page.html")).toEqual({ mimeType: "text/plain" });
  });

  it("accepts XML as plain text", async () => {
    const xml = Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<note><body-text>Hi</body-text></note>');
    expect(await detectType(xml, "note.xml")).toEqual({ mimeType: "text/plain" });
  });

  it("rejects known binary formats even when named like text", async () => {
    const gif = Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00", "latin1");
    expect(await detectType(gif, "picture.txt")).toBeNull();
    const gzip = Buffer.concat([Buffer.from("1f8b0800000000000003", "hex"), Buffer.from("compressed text")]);
    expect(await detectType(gzip, "notes.md")).toBeNull();
  });

  it("rejects unknown binary content that contains a NUL byte", async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 37 + 11) % 256));
    expect(bytes.includes(0)).toBe(true);
    expect(await detectType(bytes, "random.txt")).toBeNull();
    expect(await detectType(Buffer.from("plain words\0 and a NUL"), "notes.txt")).toBeNull();
  });

  it("looks only at the first 4100 bytes", async () => {
    const text = Buffer.concat([Buffer.from("a".repeat(4100)), Buffer.from([0, 0, 0])]);
    expect(await detectType(text, "long.txt")).toEqual({ mimeType: "text/plain" });
  });

  it("accepts an empty file as plain text, to fail later with a clear message", async () => {
    expect(await detectType(Buffer.alloc(0), "empty.pdf")).toEqual({ mimeType: "text/plain" });
  });
});
