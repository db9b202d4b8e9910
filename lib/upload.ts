/**
 * Receiving an upload: multipart parts named `files` are streamed to storage (never held whole
 * in memory) while their sha256 and first bytes are taken; then each is judged by content. A
 * file too large or of an unsupported type is refused alone (the others are kept); a refusal of
 * the request as a whole (malformed, too many files, over a rate or quota, a full store) keeps
 * nothing of it.
 */
import Busboy from "busboy";
import { randomUUID } from "node:crypto";
import { Readable, Transform } from "node:stream";
import { env } from "./env";
import { DomainError, FilesRefusedError, InvalidInputError, StorageFullError, TooLargeError, UnsupportedTypeError, type FileRefusal } from "./errors";
import { formatList } from "./parsing/formats";
import { DETECT_HEAD_BYTES, detectType, type SupportedMimeType } from "./parsing/detect";
import { fileStorage } from "./storage";
import { isStorageFull } from "./storage/types";

export interface ReceivedFile {
  storageKey: string;
  filename: string;
  mimeType: SupportedMimeType;
  size: number;
  sha256: string;
}

interface StoredPart {
  storageKey: string;
  filename: string;
  size: number;
  sha256: string;
  head: Buffer;
  truncated: boolean;
}

/** Keeps a file name as display text only: no path, no control characters, bounded length. */
export function displayName(raw: string | undefined): string {
  const base = (raw ?? "").split(/[\\/]/).pop() ?? "";
  // Control characters, and the bidirectional overrides that make "gpj.exe" read "exe.jpg".
  // eslint-disable-next-line no-control-regex
  const visible = base.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, "").trim();
  // At most 200 characters, never splitting one (an emoji is two UTF-16 units).
  const clean = Array.from(visible).slice(0, 200).join("").trim();
  return clean || "untitled";
}

/** A pass-through stream that keeps the first few bytes for type detection. */
function headKeeper() {
  const headChunks: Buffer[] = [];
  let headLength = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (headLength < DETECT_HEAD_BYTES) {
        headChunks.push(chunk.subarray(0, DETECT_HEAD_BYTES - headLength));
        headLength += Math.min(chunk.length, DETECT_HEAD_BYTES - headLength);
      }
      callback(null, chunk);
    },
  });
  return { stream, head: () => Buffer.concat(headChunks) };
}

function newPart(filename: string | undefined): StoredPart {
  return { storageKey: randomUUID(), filename: displayName(filename), size: 0, sha256: "", head: Buffer.alloc(0), truncated: false };
}

/** Streams bytes into storage under the part's key, filling in its size, hash and head. */
async function storeInto(part: StoredPart, source: Readable): Promise<void> {
  const keeper = headKeeper();
  source.once("error", (error) => keeper.stream.destroy(error));
  const stored = await fileStorage().put(part.storageKey, source.pipe(keeper.stream));
  Object.assign(part, stored, { head: keeper.head() });
}

/**
 * Limits an upload's caller checks while it streams in: each is called with the running total of
 * the request's bytes (the whole body, or the files' contents) and throws to refuse the request,
 * which then keeps nothing.
 */
export interface UploadWatch {
  bodyBytes?(total: number): void;
  fileBytes?(total: number): void;
}

const STORAGE_FULL = "There is no room left to store this upload. Nothing was kept: free some space, then upload again.";

/** The error a request answers with: a domain error as it is, a full store as such, anything else as an interrupted upload. */
function refusalOf(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (isStorageFull(error)) return new StorageFullError(STORAGE_FULL);
  return new InvalidInputError("The upload was interrupted or malformed.");
}

/** Removes the stored files of received or refused parts. */
export function removeReceived(parts: { storageKey: string }[]): Promise<unknown> {
  return Promise.all(parts.map((part) => fileStorage().remove(part.storageKey)));
}

/** Stores one file from a stream (for imports); null, with nothing kept, when its type is unsupported. */
export async function storeFile(source: Readable, filename: string): Promise<ReceivedFile | null> {
  const part = newPart(filename);
  await storeInto(part, source).catch((error: unknown) => {
    throw isStorageFull(error) ? new StorageFullError(STORAGE_FULL) : error;
  });
  const type = await detectType(part.head, part.filename);
  if (!type) {
    await fileStorage().remove(part.storageKey);
    return null;
  }
  return { storageKey: part.storageKey, filename: part.filename, mimeType: type.mimeType, size: part.size, sha256: part.sha256 };
}

/** What an upload kept, and the files it refused one by one. */
export interface ReceivedUpload {
  files: ReceivedFile[];
  refused: FileRefusal[];
}

/**
 * Streams the `files` parts of a multipart body (`contentType` names its boundary) to storage and
 * judges each: too large or unsupported ones are refused alone (`refused`); FilesRefusedError when
 * every file was. Throws InvalidInputError, TooLargeError (too many files) or what a watch throws,
 * keeping nothing, for the whole request.
 */
export async function receiveUpload(contentType: string | null, body: Readable | null, watch: UploadWatch = {}): Promise<ReceivedUpload> {
  if (!contentType?.toLowerCase().startsWith("multipart/form-data") || !body) {
    throw new InvalidInputError("Send the files as multipart/form-data, in parts named \"files\".");
  }
  const parts = await streamParts(body, contentType, watch);
  try {
    if (parts.length === 0) throw new InvalidInputError("No files were sent: add one or more parts named \"files\".");
    const files: ReceivedFile[] = [];
    const refused: { part: StoredPart; refusal: FileRefusal }[] = [];
    for (const part of parts) {
      const judged = await judgePart(part);
      if ("error" in judged) refused.push({ part, refusal: { filename: part.filename, error: judged.error } });
      else files.push({ storageKey: part.storageKey, filename: part.filename, mimeType: judged.mimeType, size: part.size, sha256: part.sha256 });
    }
    await removeReceived(refused.map(({ part }) => part));
    const refusals = refused.map(({ refusal }) => refusal);
    if (files.length === 0) throw new FilesRefusedError(refusals as [FileRefusal, ...FileRefusal[]]);
    return { files, refused: refusals };
  } catch (error) {
    await removeReceived(parts);
    throw error;
  }
}

/** One file of an upload: its type, or why it is refused on its own (too large, unsupported type). */
async function judgePart(part: StoredPart): Promise<{ mimeType: SupportedMimeType } | { error: TooLargeError | UnsupportedTypeError }> {
  if (part.truncated) {
    const limitMb = Math.round(env.MAX_UPLOAD_BYTES / (1024 * 1024));
    return { error: new TooLargeError(`"${part.filename}" is larger than the ${limitMb} MB limit.`) };
  }
  const type = await detectType(part.head, part.filename);
  return type ?? { error: new UnsupportedTypeError(`"${part.filename}" is not a supported type. Upload ${formatList("or")} files.`) };
}

function streamParts(source: Readable, contentType: string, watch: UploadWatch): Promise<StoredPart[]> {
  return new Promise((resolve, reject) => {
    let busboy: Busboy.Busboy;
    try {
      busboy = Busboy({
        headers: { "content-type": contentType },
        // Browsers send file names as UTF-8 (busboy's default, latin1, would garble them).
        defParamCharset: "utf8",
        limits: { fileSize: env.MAX_UPLOAD_BYTES, files: env.MAX_FILES_PER_UPLOAD, fields: 20, parts: env.MAX_FILES_PER_UPLOAD + 20 },
      });
    } catch {
      reject(new InvalidInputError("The multipart body could not be read (missing boundary)."));
      return;
    }
    const parts: StoredPart[] = [];
    const writes: Promise<void>[] = [];
    // The parts still being streamed: on any failure each is destroyed, so its write settles.
    const open = new Set<Readable>();
    let tooMany = false;
    let failed = false;
    let fileBytes = 0;
    // Runs a watch with a total; its refusal fails the request.
    const checked = (check: ((total: number) => void) | undefined, total: number) => {
      try {
        check?.(total);
      } catch (error) {
        fail(error);
      }
    };

    busboy.on("file", (field, file, info) => {
      if (field !== "files") {
        file.resume();
        return;
      }
      const part = newPart(info.filename);
      parts.push(part);
      open.add(file);
      file.once("close", () => open.delete(file));
      file.on("limit", () => {
        part.truncated = true;
      });
      if (watch.fileBytes) file.on("data", (chunk: Buffer) => checked(watch.fileBytes, (fileBytes += chunk.length)));
      // A store that refuses (a full disk) fails the request at once: its part would otherwise stall the body.
      writes.push(storeInto(part, file).catch((error: unknown) => (fail(error), Promise.reject(error))));
    });
    busboy.on("filesLimit", () => {
      tooMany = true;
    });
    busboy.on("error", (error) => fail(error));
    busboy.on("close", () => {
      Promise.all(writes)
        .then(() => {
          if (tooMany) throw new TooLargeError(`Send at most ${env.MAX_FILES_PER_UPLOAD} files per upload.`);
          resolve(parts);
        })
        .catch(fail);
    });

    // Once, whatever failed (the client went away, the body ended inside a part, storage refused):
    // every open part is destroyed, then every file of the request is removed, then the answer goes.
    const fail = (error: unknown) => {
      if (failed) return;
      failed = true;
      const cause = error instanceof Error ? error : new Error(String(error));
      source.unpipe(busboy);
      for (const file of open) file.destroy(cause);
      void Promise.allSettled(writes).then(() => removeReceived(parts).finally(() => reject(refusalOf(error))));
    };

    source.on("error", fail);
    let bodyBytes = 0;
    if (watch.bodyBytes) source.on("data", (chunk: Buffer) => checked(watch.bodyBytes, (bodyBytes += chunk.length)));
    // A body that ends early (a client that went away) ends busboy inside a part: busboy errors.
    source.on("aborted", () => fail(new Error("the client went away")));
    source.on("close", () => {
      if (!source.readableEnded) fail(new Error("the body was closed before its end"));
    });
    source.pipe(busboy);
  });
}
