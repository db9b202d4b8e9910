/** Helpers the drivers share: measuring bytes on their way in, and local copies for remote drivers. */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline as pipe, Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { StorageIntegrityError, type StoredObject } from "./types";

/** `source` passed through a stream that counts and hashes it; an error of either ends both. */
export function measuring(source: Readable): { stream: Readable; result(): StoredObject } {
  const hash = createHash("sha256");
  let size = 0;
  let digest: string | undefined;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  // The callback form returns the last stream, and destroys every stream on an error.
  const measured = pipe(source, stream, () => undefined);
  return { stream: measured, result: () => ({ size, sha256: (digest ??= hash.digest("hex")) }) };
}

/** Throws StorageIntegrityError when `actual` is not what `expected` names. */
export function verify(key: string, expected: Partial<StoredObject> | undefined, actual: StoredObject): void {
  if (!expected) return;
  if ((expected.size !== undefined && expected.size !== actual.size) || (expected.sha256 !== undefined && expected.sha256 !== actual.sha256)) {
    throw new StorageIntegrityError(key, expected, actual);
  }
}

/** Copies a stream to a temporary file, runs `fn` with its path, and removes the copy. */
export async function withTemporaryCopy<T>(source: Readable, fn: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), "docsum-file-"));
  try {
    const file = path.join(dir, "file");
    await pipeline(source, createWriteStream(file));
    return await fn(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
