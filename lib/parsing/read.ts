/**
 * Reading a stored document's text, the extract stage's work: the parser child reads the file
 * (within the extraction time limit); pages without text (scans) and images are then read by OCR,
 * page by page, each page with its own time limit and not under the extraction limit (a long scan
 * takes minutes); then the parser child reads the file again with OCR's text in place of the
 * missing pages, so headings, page marks and titles come out as for any other file.
 */
import { env } from "@/lib/env";
import { memoryLimitBytes } from "@/lib/isolation/sandbox";
import { DocumentError } from "./errors";
import { readDocument, type ExtractedText } from "./extract";
import { isImageType } from "./formats";
import { imageSize } from "./image-size";
import { extractTextIsolated, type IsolatedExtractOptions } from "./isolated";
import { ocrImage, ocrPdfPage, type OcrSettings } from "./ocr";

export interface ReadOptions {
  signal: AbortSignal;
  /** The fraction of the work done (0..1), and what is being done now ("Reading page 3 of 12 (OCR)"). */
  onProgress?: (fraction: number, detail?: string) => Promise<void>;
}

export interface ReadResult extends ExtractedText {
  /** Pages read by OCR. */
  ocrPages: number;
  /** Pages without text left unread past MAX_OCR_PAGES. */
  ocrSkipped: number;
}

/** Where the first reading ends on the stage's bar when OCR may follow, and where OCR ends. */
const FIRST_READ_SHARE = 0.1;
const OCR_END = 0.95;

/** The text of a stored document, with OCR where it has none; DocumentError with the owner's message when it cannot be read. */
export async function readDocumentText(filePath: string, mimeType: string, { signal, onProgress }: ReadOptions): Promise<ReadResult> {
  const file = await readDocument(filePath, mimeType, env.MAX_TEXT_CHARS);
  const mayScan = mimeType === "application/pdf" || isImageType(mimeType);
  const parse = (extra: Partial<IsolatedExtractOptions>, from: number, to: number) =>
    withTimeLimit(signal, (limited) =>
      extractTextIsolated(filePath, mimeType, {
        file,
        signal: limited,
        onProgress: (fraction) => onProgress?.(from + (to - from) * fraction),
        maxPages: env.MAX_PDF_PAGES,
        maxChars: env.MAX_TEXT_CHARS,
        memoryMb: env.EXTRACT_MEMORY_MB,
        zipLimits: { maxEntries: env.MAX_ARCHIVE_ENTRIES, maxUnpackedBytes: env.MAX_UNPACKED_MB * 2 ** 20 },
        ...extra,
      }),
    );

  if (isImageType(mimeType)) checkImageSize(file.bytes, mimeType);
  const first = await parse({ findScans: mayScan }, 0, mayScan ? FIRST_READ_SHARE : 1);
  const scanned = first.scannedPages ?? [];
  if (scanned.length === 0) return { ...first, ocrPages: 0, ocrSkipped: 0 };

  // OCR the pages without text, as many as MAX_OCR_PAGES.
  const pages = scanned.slice(0, env.MAX_OCR_PAGES);
  const total = first.pages ?? 1;
  const settings: OcrSettings = {
    languages: env.OCR_LANGUAGES,
    pageTimeoutMs: env.OCR_PAGE_TIMEOUT_MS,
    dpi: env.OCR_DPI,
    memoryBytes: memoryLimitBytes({ memoryMb: env.EXTRACT_MEMORY_MB, offHeapMb: env.EXTRACT_OFF_HEAP_MB }),
    user: env.EXTRACT_USER,
    signal,
  };
  const ocrText: Record<number, string> = {};
  for (const [i, page] of pages.entries()) {
    const detail = isImageType(mimeType) ? "Reading the image (OCR)" : `Reading page ${page} of ${total} (OCR)`;
    await onProgress?.(FIRST_READ_SHARE + ((OCR_END - FIRST_READ_SHARE) * i) / pages.length, detail);
    ocrText[page] = isImageType(mimeType) ? await ocrImage(file.bytes, settings) : await ocrPdfPage(file.bytes, page, settings);
  }
  await onProgress?.(OCR_END);
  const read = await parse({ ocrText }, OCR_END, 1);
  return { ...read, ocrPages: pages.length, ocrSkipped: scanned.length - pages.length };
}

/** Refuses an image larger than MAX_IMAGE_PIXELS by the size its header gives, before anything decodes it. */
function checkImageSize(bytes: Uint8Array, mimeType: string): void {
  const size = imageSize(bytes, mimeType);
  if (!size || size.width <= 0 || size.height <= 0) throw new DocumentError("This image could not be read: its header is damaged.", { code: "image-damaged" });
  if (size.width * size.height > env.MAX_IMAGE_PIXELS) {
    const n = (value: number) => value.toLocaleString("en-US");
    throw new DocumentError(
      `This image is too large to read: ${n(size.width)} × ${n(size.height)} pixels, over the limit of ${n(env.MAX_IMAGE_PIXELS)} pixels.`,
      { code: "image-too-large" },
    );
  }
}

/** Runs one reading of the file within EXTRACT_TIMEOUT_MS; past it, the document fails with a message for its owner. */
async function withTimeLimit<T>(signal: AbortSignal, read: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const limit = AbortSignal.timeout(env.EXTRACT_TIMEOUT_MS);
  try {
    return await read(AbortSignal.any([signal, limit]));
  } catch (error) {
    if (limit.aborted && !signal.aborted) {
      const seconds = Math.round(env.EXTRACT_TIMEOUT_MS / 1000);
      throw new DocumentError(`The file could not be read within the time limit (${seconds} seconds).`, { cause: error, code: "time-limit" });
    }
    throw error;
  }
}
