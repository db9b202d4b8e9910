import { open } from "node:fs/promises";
import { convert } from "html-to-text";
import { PasswordException, PDFParse, VerbosityLevel } from "pdf-parse";
import type { OutlineEntry } from "@/lib/document-types";
import { DocumentError } from "./errors";
import { isImageType } from "./formats";
import { readDocx, readOdt, readPptx } from "./office";
import { documentTitle } from "./title";
import { DEFAULT_ZIP_LIMITS, type ZipLimits } from "./zip";
import { buildOutline, htmlHeadingOptions, markMarkdownHeadings, markPage, pdfBookmarks, takeMarks, type PdfOutlineSource } from "./outline";

export interface ExtractOptions {
  signal?: AbortSignal;
  /** Called with the fraction of the work done, 0 to 1. */
  onProgress?: (fraction: number) => void | Promise<void>;
  /** Read at most this many PDF pages. */
  maxPages?: number;
  /** Keep at most this many characters of text; the rest is not read. */
  maxChars?: number;
  /** How far a Word, OpenDocument or PowerPoint file may be unpacked. */
  zipLimits?: ZipLimits;
  /**
   * Answer with the pages that have no text (scans, and an image's one page) in `scannedPages`
   * instead of failing for lack of text, so that OCR can read them.
   */
  findScans?: boolean;
  /** What OCR read on pages without text, by page number (1-based; an image is page 1). */
  ocrText?: Record<number, string>;
}

/** A document whose text OCR found nothing in. */
export const NO_TEXT_EVEN_WITH_OCR = "No text could be read from this file, even with OCR.";

export interface ExtractedText {
  text: string;
  /** The PDF's page count (even when `maxPages` stopped reading early); null for text formats. */
  pages: number | null;
  /** True when the text was cut at `maxChars`. */
  truncated: boolean;
  /** The document's headings, with their offsets in `text`. */
  outline: OutlineEntry[];
  /** The title the document gives itself (see ./title.ts), null when it gives none. */
  title: string | null;
  /** With `findScans`: the pages without text, to be read by OCR (then `text` is not read yet). */
  scannedPages?: number[];
}

interface RawText {
  /** With the marks of ./outline where the format says where pages or headings begin. */
  text: string;
  pages: number | null;
  /** Reading stopped before the end of the file. */
  cut: boolean;
  pdf?: PdfOutlineSource;
  /** The title stored in the file (PDF metadata, HTML <title>, a Word or ODF title property). */
  storedTitle?: string | null;
  /** Pages without text that OCR is to read (with `findScans`). */
  scans?: number[];
  /** The deepest heading level whose first heading may be the title (HTML: only an <h1>); none: headings are not titles. */
  titleHeadingLevel?: number;
}

/** PDF pages parsed between two progress reports and abort checks. */
const PDF_PAGE_BATCH = 5;

/** The part of a stored file that reading its text needs. */
export interface DocumentBytes {
  bytes: Uint8Array;
  /** The file goes on past `bytes`. */
  cut: boolean;
}

/** Read a stored document's text; throws DocumentError, with a message for its owner, when it cannot. */
export async function extractText(filePath: string, mimeType: string, opts: ExtractOptions = {}): Promise<ExtractedText> {
  opts.signal?.throwIfAborted();
  return extractTextFromBytes(await readDocument(filePath, mimeType, opts.maxChars), mimeType, opts);
}

/** The bytes of a stored file that reading up to `maxChars` characters of its text needs. */
export function readDocument(filePath: string, mimeType: string, maxChars = Infinity): Promise<DocumentBytes> {
  // Text formats never need more than 4 bytes (the longest UTF-8 character) per character kept;
  // PDFs, ZIP containers and images are read whole.
  return readHead(filePath, mimeType.startsWith("text/") ? maxChars * 4 + 4 : Infinity);
}

/** extractText on bytes read by readDocument. */
export async function extractTextFromBytes({ bytes, cut }: DocumentBytes, mimeType: string, opts: ExtractOptions = {}): Promise<ExtractedText> {
  opts.signal?.throwIfAborted();
  const maxChars = opts.maxChars ?? Infinity;
  if (bytes.length === 0) throw new DocumentError("This file is empty.");
  await opts.onProgress?.(0);

  let progressFailure: unknown;
  const onProgress = async (fraction: number) => {
    try {
      await opts.onProgress?.(fraction);
    } catch (error) {
      progressFailure = error;
      throw error;
    }
  };
  const raw = await extractRaw(bytes, cut, mimeType, { ...opts, onProgress }).catch((error: unknown) => {
    // The parser threw on the file's content (a stack overflow on deep nesting, say): the file's problem.
    if (error instanceof DocumentError || error === progressFailure || opts.signal?.aborted) throw error;
    throw new DocumentError("The file could not be read: its content made the parser fail.", { cause: error });
  });
  if (raw.scans && raw.scans.length > 0) {
    return { text: "", pages: raw.pages, truncated: false, outline: [], title: null, scannedPages: raw.scans };
  }
  const marked = takeMarks(normalizeWhitespace(raw.text));
  let text = marked.text;
  if (!/\S/.test(text)) throw new DocumentError(opts.ocrText ? NO_TEXT_EVEN_WITH_OCR : "No text was found in this file.");
  let truncated = raw.cut;
  if (text.length > maxChars) {
    text = cutAtWord(text, maxChars);
    truncated = true;
  }
  await opts.onProgress?.(1);
  const outline = buildOutline(text, marked.marks, raw.pdf);
  // A heading the format marked (never one guessed from plain text or a PDF's bookmarks).
  const heading = raw.titleHeadingLevel ? marked.marks.find((mark) => mark.level > 0 && mark.level <= raw.titleHeadingLevel!) : undefined;
  const firstHeading = heading ? text.slice(heading.index).split("\n", 1)[0] : null;
  return { text, pages: raw.pages, truncated, outline, title: documentTitle({ stored: raw.storedTitle, firstHeading }) };
}

/** The first `limit` bytes of a file, and whether there were more. */
async function readHead(filePath: string, limit: number): Promise<DocumentBytes> {
  const file = await open(filePath);
  try {
    const { size } = await file.stat();
    const length = Math.min(size, limit);
    const bytes = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await file.read(bytes, read, length - read, read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    return { bytes: bytes.subarray(0, read), cut: size > read };
  } finally {
    await file.close();
  }
}

/** The first `maxChars` characters, ending at a word boundary when one is near. */
function cutAtWord(text: string, maxChars: number): string {
  let end = maxChars;
  // Never split a surrogate pair.
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? "")) end -= 1;
  const space = text.lastIndexOf(" ", end);
  const newline = text.lastIndexOf("\n", end);
  const boundary = Math.max(space, newline);
  return (boundary > end - 200 ? text.slice(0, boundary) : text.slice(0, end)).trimEnd();
}

async function extractRaw(bytes: Uint8Array, cut: boolean, mimeType: string, opts: ExtractOptions): Promise<RawText> {
  switch (mimeType) {
    case "application/pdf":
      return extractPdf(bytes, opts);
    case "text/plain":
      return { text: decodeText(bytes, cut), pages: null, cut };
    case "text/markdown":
      return { text: markdownToText(markMarkdownHeadings(decodeText(bytes, cut))), pages: null, cut, titleHeadingLevel: 6 };
    case "text/html": {
      const html = decodeText(bytes, cut);
      return { text: htmlToText(html), pages: null, cut, storedTitle: htmlTitle(html), titleHeadingLevel: 1 };
    }
    case "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
      const docx = await readDocx(bytes, opts.zipLimits ?? DEFAULT_ZIP_LIMITS);
      return { text: htmlToText(docx.html), pages: null, cut: false, storedTitle: docx.title, titleHeadingLevel: 6 };
    }
    case "application/vnd.oasis.opendocument.text": {
      const odt = readOdt(bytes, opts.zipLimits ?? DEFAULT_ZIP_LIMITS);
      return { text: htmlToText(odt.html), pages: null, cut: false, storedTitle: odt.title, titleHeadingLevel: 6 };
    }
    case "application/vnd.openxmlformats-officedocument.presentationml.presentation": {
      const deck = readPptx(bytes, opts.zipLimits ?? DEFAULT_ZIP_LIMITS);
      return { text: htmlToText(deck.html), pages: null, cut: false, storedTitle: deck.title, titleHeadingLevel: 1 };
    }
    default:
      if (isImageType(mimeType)) return imageText(opts);
      throw new DocumentError("This type of file is not supported.");
  }
}

/** An image's text is what OCR read on it: asked for (with `findScans`) or given (`ocrText`). */
function imageText({ findScans, ocrText }: ExtractOptions): RawText {
  if (ocrText) return { text: ocrText[1] ?? "", pages: 1, cut: false };
  if (findScans) return { text: "", pages: 1, cut: false, scans: [1] };
  throw new DocumentError("This image can only be read by OCR.");
}

/** The text of an HTML page's <title>, entities decoded by the same reader as the page. */
function htmlTitle(html: string): string | null {
  const match = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html.slice(0, 64 * 1024));
  return match ? convert(match[1], { wordwrap: false }).trim() || null : null;
}

/** Parse a PDF a batch of pages at a time, so progress follows the pages and an abort lands between batches. */
async function extractPdf(bytes: Uint8Array, { signal, onProgress, maxPages, maxChars = Infinity, findScans, ocrText }: ExtractOptions): Promise<RawText> {
  // Warnings name the errors pdf.js recovers from; a parser child watches them for refused allocations.
  const parser = new PDFParse({ data: new Uint8Array(bytes), verbosity: VerbosityLevel.WARNINGS });
  try {
    const texts: string[] = [];
    const markedPages: number[] = [];
    const scans: number[] = [];
    let pages = 0;
    let chars = 0;
    let cut = false;
    let limit = Infinity;
    for (let first = 1; first <= limit; first += PDF_PAGE_BATCH) {
      const last = first + PDF_PAGE_BATCH - 1;
      const result = await parser.getText({ first, last }).catch((error: unknown) => Promise.reject(unreadablePdf(error)));
      pages = result.total;
      limit = Math.min(pages, maxPages ?? Infinity);
      const read = result.pages
        .filter((page) => page.num <= limit)
        .map((page) => (/\S/.test(page.text) ? page : { ...page, text: ocrText?.[page.num] ?? "" }));
      if (findScans && !ocrText) scans.push(...read.filter((page) => !/\S/.test(page.text)).map((page) => page.num));
      texts.push(...read.map((page) => markPage(page.text)));
      markedPages.push(...read.filter((page) => /\S/.test(page.text)).map((page) => page.num));
      chars += read.reduce((sum, page) => sum + page.text.length, 0);
      signal?.throwIfAborted();
      await onProgress?.(Math.min(1, last / Math.max(limit, 1)));
      // Enough text (with room for the whitespace normalizing removes): the rest is not read.
      if (chars > maxChars * 2 && last < limit) {
        cut = true;
        break;
      }
    }
    const text = texts.join("\n\n").replace(/(\p{Ll})-\n(\p{Ll})/gu, "$1$2");
    const storedTitle = await pdfTitle(parser);
    if (scans.length > 0) return { text: "", pages, cut, scans, storedTitle };
    if (!/\S/.test(text) && ocrText) return { text: "", pages, cut, storedTitle };
    if (!/\S/.test(text)) {
      throw new DocumentError("This PDF has no text layer (it may be a scanned image), so there is nothing to summarize.");
    }
    return { text, pages, cut, storedTitle, pdf: { bookmarks: await pdfBookmarks(parser, limit), markedPages } };
  } finally {
    await parser.destroy();
  }
}

/** The Title of a PDF's document information, read from pdf.js's document that pdf-parse keeps (null when none or unreadable). */
async function pdfTitle(parser: object): Promise<string | null> {
  const doc = (parser as { doc?: { getMetadata?: () => Promise<{ info?: { Title?: unknown } }> } }).doc;
  try {
    const title = (await doc?.getMetadata?.())?.info?.Title;
    return typeof title === "string" ? title : null;
  } catch {
    return null;
  }
}

/** What the owner can act on when pdf-parse cannot read the file. */
function unreadablePdf(error: unknown): DocumentError {
  if (error instanceof PasswordException) return new DocumentError("This PDF is password protected.", { cause: error });
  return new DocumentError("This PDF is damaged or incomplete and could not be read.", { cause: error });
}

/**
 * Decode strict UTF-8, or UTF-16 when the file starts with its byte order mark (a leading BOM
 * is dropped); anything else is not a text file we can read. `cut`: the bytes end mid-file, so
 * a character split at their end is left out instead of refused.
 */
function decodeText(bytes: Uint8Array, cut = false): string {
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? "utf-16le" : bytes[0] === 0xfe && bytes[1] === 0xff ? "utf-16be" : "utf-8";
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes, { stream: cut });
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

/** Render HTML as the text a reader sees, without images or link targets; headings keep their case and are marked. */
function htmlToText(html: string): string {
  return convert(html, {
    wordwrap: false,
    formatters: htmlHeadingOptions.formatters,
    selectors: [{ selector: "img", format: "skip" }, { selector: "a", options: { ignoreHref: true } }, ...htmlHeadingOptions.selectors],
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
