/**
 * File storage for uploaded bytes: a local folder (STORAGE_DIR). Keys are generated ids, never
 * file names. Kept behind these few functions so an object store can replace it.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { env } from "./env";

function resolveKey(key: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new Error(`Invalid storage key: ${key}`);
  return path.join(env.STORAGE_DIR, key);
}

/** Streams bytes to storage under a key; the file appears only once it is complete. */
export async function putStream(key: string, source: Readable): Promise<void> {
  const target = resolveKey(key);
  const partial = `${target}.partial`;
  await mkdir(env.STORAGE_DIR, { recursive: true });
  try {
    await pipeline(source, createWriteStream(partial));
    await rename(partial, target);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Opens stored bytes for reading. */
export function openRead(key: string): Readable {
  return createReadStream(resolveKey(key));
}

/** A local path to the stored file, for parsers that need one. */
export function localPath(key: string): string {
  return resolveKey(key);
}

/** Removes stored bytes; removing a missing key is not an error. */
export async function remove(key: string): Promise<void> {
  await rm(resolveKey(key), { force: true });
}
