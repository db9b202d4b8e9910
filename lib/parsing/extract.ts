import { readFile } from "node:fs/promises";
import { convert } from "html-to-text";
import { PasswordException, PDFParse } from "pdf-parse";
import { DocumentError } from "./errors";

export interface ExtractOptions {
  signal?: AbortSignal;
  /** Called with the fraction of the work done, 0 to 1. */
  onProgress?: (fraction: number) => void | Promise<void>;
  /** Read at most this many PDF pages. */
  maxPages?: number;
}

export interface ExtractedText {
  text: string;
  /** The PDF's page count (even when `maxPages` stopped reading early); null for text formats. */
  pages: number | null;
}

/** PDF pages parsed between two progress reports and abort checks. */
const PDF_PAGE_BATCH = 5;

/** Read a stored document's text; throws DocumentError, with a message for its owner, when it cannot. */
export async function extractText(filePath: string, mimeType: string, opts: ExtractOptions = {}): Promise<ExtractedText> {
  opts.signal?.throwIfAborted();
  const bytes = await readFile(filePath);
  if (bytes.length === 0) throw new DocumentError("This file is empty.");
  await opts.onProgress?.(0);

  const { text, pages } = await extractRaw(bytes, mimeType, opts);
  const normalized = normalizeWhitespace(text);
  if (!/\S/.test(normalized)) throw new DocumentError("No text was found in this file.");
  await opts.onProgress?.(1);
  return { text: normalized, pages };
}

async function extractRaw(bytes: Buffer, mimeType: string, opts: ExtractOptions): Promise<ExtractedText> {
  switch (mimeType) {
    case "application/pdf":
      return extractPdf(bytes, opts);
    case "text/plain":
      return { text: decodeUtf8(bytes), pages: null };
    case "text/markdown":
      return { text: markdownToText(decodeUtf8(bytes)), pages: null };
    case "text/html":
      return { text: htmlToText(decodeUtf8(bytes)), pages: null };
    default:
      throw new DocumentError("This type of file is not supported.");
  }
}

/** Parse a PDF a batch of pages at a time, so progress follows the pages and an abort lands between batches. */
async function extractPdf(bytes: Buffer, { signal, onProgress, maxPages }: ExtractOptions): Promise<ExtractedText> {
  const parser = new PDFParse({ data: new Uint8Array(bytes) });
  try {
    const texts: string[] = [];
    let pages = 0;
    let limit = Infinity;
    for (let first = 1; first <= limit; first += PDF_PAGE_BATCH) {
      const last = first + PDF_PAGE_BATCH - 1;
      const result = await parser.getText({ first, last }).catch((error: unknown) => Promise.reject(unreadablePdf(error)));
      pages = result.total;
      limit = Math.min(pages, maxPages ?? Infinity);
      texts.push(...result.pages.filter((page) => page.num <= limit).map((page) => page.text));
      signal?.throwIfAborted();
      await onProgress?.(Math.min(1, last / Math.max(limit, 1)));
    }
    const text = texts.join("\n\n").replace(/(\p{Ll})-\n(\p{Ll})/gu, "$1$2");
    if (!/\S/.test(text)) {
      throw new DocumentError("This PDF has no text layer (it may be a scanned image), so there is nothing to summarize.");
    }
    return { text, pages };
  } finally {
    await parser.destroy();
  }
}

/** What the owner can act on when pdf-parse cannot read the file. */
function unreadablePdf(error: unknown): DocumentError {
  if (error instanceof PasswordException) return new DocumentError("This PDF is password protected.", { cause: error });
  return new DocumentError("This PDF is damaged or incomplete and could not be read.", { cause: error });
}

/** Decode strict UTF-8 (a leading BOM is dropped); anything else is not a text file we can read. */
function decodeUtf8(bytes: Buffer): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (error) {
    throw new DocumentError("This file does not contain readable text.", { cause: error });
  }
  if (text.includes("\0")) throw new DocumentError("This file does not contain readable text.");
  return text;
}

/** Strip Markdown markup down to the words a reader sees; code blocks stay as text. */
function markdownToText(markdown: string): string {
  return markdown
    .replace(/^ {0,3}(```|~~~).*$/gm, "")
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1")
    .replace(/^ {0,3}\[[^\]]+\]:[ \t]+\S.*$/gm, "")
    .replace(/<(https?:[^>\s]+|[^>\s@]+@[^>\s]+)>/g, "$1")
    .replace(/^ {0,3}#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$/gm, "$1")
    .replace(/^ {0,3}(=+|-+|\*{3,}|_{3,})[ \t]*$/gm, "")
    .replace(/^ {0,3}>[ \t]?/gm, "")
    .replace(/^([ \t]*)([*+-]|\d+[.)])[ \t]+/gm, "$1")
    .replace(/(\*\*|__)(?=\S)(.+?)(?<=\S)\1/g, "$2")
    .replace(/(^|[^\w*])([*_])(?=\S)(.+?)(?<=\S)\2(?![\w*])/g, "$1$3")
    .replace(/~~(.+?)~~/g, "$1")
    .replace(/`([^`\n]+)`/g, "$1");
}

/** Render HTML as the text a reader sees, without images or link targets. */
function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    selectors: [
      { selector: "img", format: "skip" },
      { selector: "a", options: { ignoreHref: true } },
      ...["h1", "h2", "h3", "h4", "h5", "h6"].map((selector) => ({ selector, options: { uppercase: false } })),
    ],
  });
}

/** Collapse runs of spaces and keep at most one blank line between paragraphs. */
function normalizeWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/[^\S\n]+/g, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
