/**
 * Unpacking the ZIP container of Word, OpenDocument and PowerPoint files within limits: the number
 * of entries and the bytes they unpack to (a zip bomb named .docx fails its own document, nothing
 * else).
 * Only the parts a reader asks for are unpacked, each into a buffer of its declared size, so a
 * part that lies about its size cannot unpack to more than it declared.
 */
import { unzipSync, zipSync, type Unzipped } from "fflate";
import { DocumentError } from "./errors";

export interface ZipLimits {
  /** Entries the archive may list at most. */
  maxEntries: number;
  /** Bytes the wanted parts may unpack to, together. */
  maxUnpackedBytes: number;
}

/** The default limits: far above any real document's, far below what would hurt the parser. */
export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxEntries: 2000, maxUnpackedBytes: 100 * 1024 * 1024 };

/** The parts of a ZIP for which `wanted(name)` is true, unpacked within `limits`; DocumentError for a bomb or a broken archive. */
export function unpackParts(bytes: Uint8Array, wanted: (name: string) => boolean, limits: ZipLimits, kind: string): Unzipped {
  let entries = 0;
  let unpacked = 0;
  let refusal: DocumentError | null = null;
  const refuse = (message: string) => {
    refusal ??= new DocumentError(message, { code: "archive-limit" });
    return false;
  };
  try {
    const parts = unzipSync(bytes, {
      filter(file) {
        entries += 1;
        if (entries > limits.maxEntries) {
          return refuse(`This ${kind} holds more than ${limits.maxEntries.toLocaleString("en-US")} parts, more than a real document has; it was not unpacked.`);
        }
        if (refusal || !wanted(file.name)) return false;
        unpacked += file.originalSize;
        if (unpacked > limits.maxUnpackedBytes) {
          const mb = Math.round(limits.maxUnpackedBytes / 2 ** 20);
          return refuse(`This ${kind} unpacks to more than ${mb} MB (it may be a zip bomb); it was not read.`);
        }
        return true;
      },
    });
    if (refusal) throw refusal;
    return parts;
  } catch (error) {
    if (refusal) throw refusal;
    if (error instanceof DocumentError) throw error;
    throw new DocumentError(`This ${kind} is damaged or incomplete and could not be read.`, { cause: error });
  }
}

/** The parts as a ZIP again, stored without compression, so the next reader inflates nothing unbounded. */
export function repack(parts: Unzipped): Uint8Array {
  return zipSync(parts, { level: 0 });
}

/** A part's text (UTF-8), or null when the archive has no such part. */
export function partText(parts: Unzipped, name: string): string | null {
  const part = parts[name];
  return part ? new TextDecoder("utf-8").decode(part) : null;
}
