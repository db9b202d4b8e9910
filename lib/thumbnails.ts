/**
 * Documents' thumbnails, stored beside their files under a derived key (lib/storage), so every
 * storage driver keeps them, and removing a document's file removes its thumbnail too. Making
 * one is a step of the extract stage; a thumbnail that cannot be made is logged and left out,
 * never a failure of the document.
 */
import { readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { env } from "./env";
import { memoryLimitBytes } from "./isolation/sandbox";
import { logger } from "./logger";
import { hasThumbnailType } from "./parsing/formats";
import { renderThumbnail, THUMBNAIL_KEY_NAME } from "./parsing/thumbnail";
import { derivedKey, fileStorage, StorageObjectMissingError } from "./storage";

interface ThumbnailDocument {
  id: string;
  mimeType: string;
  storageKey: string;
}

/** How long making one thumbnail may take. */
const THUMBNAIL_TIMEOUT_MS = 30_000;

/** Makes and stores the thumbnail of the document whose file is at `filePath`; whether there is one now. */
export async function storeThumbnail(document: ThumbnailDocument, filePath: string, signal: AbortSignal): Promise<boolean> {
  if (!hasThumbnailType(document.mimeType)) return false;
  try {
    const png = await renderThumbnail(await readFile(filePath), document.mimeType, {
      pageTimeoutMs: Math.min(THUMBNAIL_TIMEOUT_MS, env.OCR_PAGE_TIMEOUT_MS),
      memoryBytes: memoryLimitBytes({ memoryMb: env.EXTRACT_MEMORY_MB, offHeapMb: env.EXTRACT_OFF_HEAP_MB }),
      user: env.EXTRACT_USER,
      signal,
    });
    await fileStorage().put(derivedKey(document.storageKey, THUMBNAIL_KEY_NAME), Readable.from([png]));
    return true;
  } catch (error) {
    // A stopped job stops here as everywhere else; anything else only costs the picture.
    if (signal.aborted) throw error;
    logger.warn("no thumbnail for a document", { documentId: document.id, mimeType: document.mimeType, error: (error as Error).message });
    return false;
  }
}

/** The document's thumbnail (PNG), or null when it has none. */
export async function openThumbnail(document: ThumbnailDocument): Promise<Readable | null> {
  if (!hasThumbnailType(document.mimeType)) return null;
  try {
    return await fileStorage().get(derivedKey(document.storageKey, THUMBNAIL_KEY_NAME));
  } catch (error) {
    if (error instanceof StorageObjectMissingError) return null;
    throw error;
  }
}
