/**
 * What every storage driver offers: streams in and out, a local file for tools that need a
 * path, existence, removal, listing for sweeps, and keys for files made from another (thumbnails).
 * Keys are generated ids, never file names.
 */
import type { Readable } from "node:stream";

export const STORAGE_DRIVERS = ["local", "postgres", "s3"] as const;
export type StorageDriverName = (typeof STORAGE_DRIVERS)[number];

/** What a completed put stored: its length and SHA-256 (hex), measured on the way in. */
export interface StoredObject {
  size: number;
  sha256: string;
}

export interface FileStorage {
  /** The driver's name, for the health check and operators' logs. */
  readonly driver: StorageDriverName;
  /** Where the files are (a folder, a database, a bucket), for operators' logs; never a secret. */
  readonly location: string;
  /**
   * Streams bytes in under `key`; the object appears only once complete, replacing any with that
   * key. With `expected`, bytes of another size or hash are refused (StorageIntegrityError) and
   * nothing is kept.
   */
  put(key: string, source: Readable, expected?: Partial<StoredObject>): Promise<StoredObject>;
  /** Opens an object for reading; StorageObjectMissingError when there is none. */
  get(key: string): Promise<Readable>;
  /** Runs `fn` with a path to the object on this machine's disk (a copy when the driver is remote). */
  withLocalFile<T>(key: string, fn: (path: string) => Promise<T>): Promise<T>;
  /** Removes an object and every object derived from it; a missing key is not an error. */
  remove(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
  /** The keys of objects stored before `time` (derived ones included), for sweeps and migrations. */
  listOlderThan(time: Date): AsyncIterable<string>;
  /** Removes what interrupted writes left before `time` (a local driver's partial files); their names. */
  removeLeftovers(time: Date): Promise<string[]>;
  /** Resolves when the store can be reached, rejects naming the problem otherwise. */
  check(): Promise<void>;
  /** Closes the driver's connections. */
  close(): Promise<void>;
}

const KEY = /^[A-Za-z0-9_-]+$/;
const DERIVED_NAME = /^[a-z0-9-]+$/;

/** A key, split into the key it derives from and its name (or no name for a plain key); throws on anything else. */
export function parseKey(key: string): { base: string; derived?: string } {
  const [base, derived, ...rest] = key.split(".");
  if (!KEY.test(base) || rest.length > 0 || (derived !== undefined && !DERIVED_NAME.test(derived))) {
    throw new Error(`Invalid storage key: ${JSON.stringify(key)}`);
  }
  return { base, derived };
}

/** The key of a file made from the file at `key` (for example a thumbnail); removed with it. */
export function derivedKey(key: string, name: string): string {
  const { base, derived } = parseKey(key);
  if (derived !== undefined) throw new Error(`A derived key cannot have derived keys: ${key}`);
  return `${base}.${parseKey(`${base}.${name}`).derived}`;
}

/** The object a key names is not in the store. */
export class StorageObjectMissingError extends Error {
  override name = "StorageObjectMissingError";
  constructor(
    readonly driver: StorageDriverName,
    readonly key: string,
    readonly location: string,
    options?: { cause?: unknown },
  ) {
    super(`No object "${key}" in ${driver} storage (${location})`, options);
  }
}

/** Bytes that arrived are not the bytes that were meant: another size or SHA-256. */
export class StorageIntegrityError extends Error {
  override name = "StorageIntegrityError";
  constructor(key: string, expected: Partial<StoredObject>, actual: StoredObject) {
    super(`Object "${key}" arrived as ${actual.size} bytes, sha256 ${actual.sha256}; expected ${expected.size ?? "any size"}, sha256 ${expected.sha256 ?? "any"}`);
  }
}

/** Whether a storage failure means the store is out of room (a full disk or quota, PostgreSQL's disk_full), through any causes. */
export function isStorageFull(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 8; current = (current as { cause?: unknown }).cause, depth++) {
    const code = (current as { code?: unknown }).code;
    if (code === "ENOSPC" || code === "EDQUOT" || code === "53100") return true;
  }
  return false;
}
