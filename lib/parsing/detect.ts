import { fileTypeFromBuffer } from "file-type";
import type { SupportedMimeType } from "./formats";

export { SUPPORTED_MIME_TYPES, type SupportedMimeType } from "./formats";

export interface DetectedType {
  mimeType: SupportedMimeType;
}

/** How many leading bytes of a file `detectType` looks at. */
export const DETECT_HEAD_BYTES = 4100;

/** How far into a text file an <html>, <head> or <body> tag still marks it as HTML. */
const HTML_TAG_WINDOW = 1024;

const PDF_SIGNATURE = Buffer.from("%PDF-", "latin1");
/** Binary formats file-type knows that are still worth reading as text. */
const READABLE_SIGNATURES = new Set(["xml"]);
/**
 * Binary formats file-type knows by their bytes that a parser reads: a ZIP holding word/ or ppt/
 * parts, an OpenDocument ZIP whose first entry `mimetype` names a text document, and the magic
 * numbers of PNG, JPEG, TIFF and WebP.
 */
const KNOWN_BINARY: Record<string, SupportedMimeType> = {
  pdf: "application/pdf",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  odt: "application/vnd.oasis.opendocument.text",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  png: "image/png",
  jpg: "image/jpeg",
  tif: "image/tiff",
  webp: "image/webp",
};
const ZIP_LOCAL_HEADER = 0x04034b50;

/** Decide a file's type from its first bytes (its name only breaks ties between text flavours); null when unsupported. */
export async function detectType(head: Buffer, filename: string): Promise<DetectedType | null> {
  const bytes = head.subarray(0, DETECT_HEAD_BYTES);
  if (bytes.length === 0) return { mimeType: "text/plain" };
  if (bytes.subarray(0, PDF_SIGNATURE.length).equals(PDF_SIGNATURE)) return { mimeType: "application/pdf" };

  // UTF-16 text (as Windows saves "Unicode" text) announces itself with a byte order mark.
  const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff);
  if (utf16) {
    const encoding = bytes[0] === 0xff ? "utf-16le" : "utf-16be";
    return { mimeType: textFlavour(new TextDecoder(encoding).decode(bytes.subarray(0, bytes.length - (bytes.length % 2))), extensionOf(filename)) };
  }

  const known = await fileTypeFromBuffer(bytes).catch(() => undefined);
  if (known && KNOWN_BINARY[known.ext]) return { mimeType: KNOWN_BINARY[known.ext] };
  // A Word or PowerPoint file whose word/ or ppt/ entries begin past what file-type looked at in the head.
  if ((bytes.length >= 4 && bytes.readUInt32LE(0) === ZIP_LOCAL_HEADER) || known?.ext === "zip") {
    const names = zipEntryNames(bytes);
    if (names.some((name) => name.startsWith("word/"))) return { mimeType: KNOWN_BINARY.docx };
    return names.some((name) => name.startsWith("ppt/")) ? { mimeType: KNOWN_BINARY.pptx } : null;
  }
  if (known && !READABLE_SIGNATURES.has(known.ext)) return null;
  if (bytes.includes(0)) return null;

  return { mimeType: textFlavour(new TextDecoder("utf-8").decode(bytes), extensionOf(filename)) };
}

/** Tell HTML, Markdown and plain text apart. */
function textFlavour(text: string, extension: string): SupportedMimeType {
  const start = text.trimStart().slice(0, HTML_TAG_WINDOW).toLowerCase();
  if (start.startsWith("<!doctype html") || start.startsWith("<html")) return "text/html";
  if (extension === "md" || extension === "markdown") return "text/markdown";
  if (/<(html|head|body)[\s>]/.test(start)) return "text/html";
  if ((extension === "html" || extension === "htm") && start.startsWith("<")) return "text/html";
  return "text/plain";
}

function extensionOf(filename: string): string {
  return /\.([^./\\]+)$/.exec(filename)?.[1]?.toLowerCase() ?? "";
}

/** The names of the ZIP entries whose local headers lie inside `bytes` (the start of a file). */
function zipEntryNames(bytes: Buffer): string[] {
  const names: string[] = [];
  let offset = 0;
  while (offset + 30 <= bytes.length && bytes.readUInt32LE(offset) === ZIP_LOCAL_HEADER) {
    const flags = bytes.readUInt16LE(offset + 6);
    const compressed = bytes.readUInt32LE(offset + 18);
    const nameLength = bytes.readUInt16LE(offset + 26);
    const extraLength = bytes.readUInt16LE(offset + 28);
    names.push(bytes.subarray(offset + 30, offset + 30 + nameLength).toString("utf8"));
    // With a data descriptor (flag bit 3) the size comes after the data: the next header cannot be found.
    if (flags & 0x08) break;
    offset += 30 + nameLength + extraLength + compressed;
  }
  return names;
}
