/**
 * A document's stored file as the worker and the download read it. A missing file is looked for
 * again for a short while (a shared store may show a new file late), then reported: in the log
 * for the operator, with the driver and key, and to the owner as a failure that names it.
 */
import type { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { env } from "./env";
import { NotFoundError, OwnerFacingError } from "./errors";
import { logger } from "./logger";
import { fileStorage, StorageObjectMissingError } from "./storage";

export const MISSING_FILE_MESSAGE = "The uploaded file could not be found in storage.";

/** The document's file is not in the storage this process uses (not shared, or lost). */
export class DocumentFileMissingError extends OwnerFacingError {
  override name = "DocumentFileMissingError";
  constructor(cause: StorageObjectMissingError) {
    // Trying again may help once every process uses the same storage, so the owner may retry.
    super(MISSING_FILE_MESSAGE, { code: "file-missing", retryable: true, detail: cause.message, cause });
  }
}

interface DocumentFile {
  id: string;
  storageKey: string;
}

/** Runs `attempt`, trying again while the file is missing, for up to STORAGE_MISSING_WAIT_MS. */
async function whileMissing<T>(document: DocumentFile, attempt: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  const deadline = Date.now() + env.STORAGE_MISSING_WAIT_MS;
  for (let wait = 250; ; wait *= 2) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StorageObjectMissingError)) throw error;
      const left = deadline - Date.now();
      if (left <= 0) {
        logger.error("a document's file is not in storage", { documentId: document.id, driver: error.driver, key: error.key, location: error.location });
        throw new DocumentFileMissingError(error);
      }
      await sleep(Math.min(wait, left), undefined, { signal });
    }
  }
}

/** Runs `fn` with a path on this machine to the document's file (for parsers). */
export function withDocumentFile<T>(document: DocumentFile, fn: (path: string) => Promise<T>, signal?: AbortSignal): Promise<T> {
  return whileMissing(document, () => fileStorage().withLocalFile(document.storageKey, fn), signal);
}

/** Opens the document's file for a download; NotFoundError (naming the problem) when it is missing. */
export async function openDocumentFile(document: DocumentFile): Promise<Readable> {
  try {
    return await fileStorage().get(document.storageKey);
  } catch (error) {
    if (!(error instanceof StorageObjectMissingError)) throw error;
    logger.error("a document's file is not in storage", { documentId: document.id, driver: error.driver, key: error.key, location: error.location });
    throw new NotFoundError(MISSING_FILE_MESSAGE);
  }
}
