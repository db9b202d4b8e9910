/**
 * The `local` driver: a folder of this machine (STORAGE_DIR), one file per key. A file is
 * written under a temporary name and renamed once complete; derived files live in
 * `.derived/<key>/`, so removing a key removes them in one step. Files are readable by their
 * owner only (0600) in folders only their owner can open (0700).
 */
import { constants } from "node:fs";
import { access, chmod, mkdir, open, opendir, rename, rm, stat, type FileHandle } from "node:fs/promises";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { measuring, verify } from "./streams";
import { parseKey, StorageObjectMissingError, type FileStorage } from "./types";

const DERIVED_DIR = ".derived";
const FILE_MODE = 0o600;
const FOLDER_MODE = 0o700;
// Chunks that arrive while a write is under way go out together in one writev (fewer system calls).
const WRITE_BUFFER_BYTES = 1024 * 1024;
const isMissing = (error: unknown) => (error as NodeJS.ErrnoException)?.code === "ENOENT";

/** Creates a new file, and its folder when there is none yet (so a folder is made once, not per file). */
async function createFile(file: string): Promise<FileHandle> {
  try {
    return await open(file, "wx", FILE_MODE);
  } catch (error) {
    if (!isMissing(error)) throw error;
    await mkdir(path.dirname(file), { recursive: true, mode: FOLDER_MODE });
    return open(file, "wx", FILE_MODE);
  }
}

export function createLocalStorage({ dir }: { dir: string }): FileStorage {
  const root = path.resolve(dir);
  const pathOf = (key: string) => {
    const { base, derived } = parseKey(key);
    return derived === undefined ? path.join(root, base) : path.join(root, DERIVED_DIR, base, derived);
  };
  const missing = (key: string, cause?: unknown) => new StorageObjectMissingError("local", key, root, { cause });

  async function* olderIn(folder: string, time: Date, toKey: (name: string) => string): AsyncGenerator<string> {
    let entries;
    try {
      entries = await opendir(folder);
    } catch (error) {
      if (isMissing(error)) return;
      throw error;
    }
    for await (const entry of entries) {
      if (!entry.isFile() || entry.name.includes(".")) continue;
      const info = await stat(path.join(folder, entry.name)).catch(() => undefined);
      if (info && info.mtime < time) yield toKey(entry.name);
    }
  }

  return {
    driver: "local",
    location: root,

    async put(key, source, expected) {
      const target = pathOf(key);
      const partial = `${target}.${randomUUID()}.partial`;
      const measure = measuring(source);
      try {
        const file = await createFile(partial);
        await pipeline(measure.stream, file.createWriteStream({ highWaterMark: WRITE_BUFFER_BYTES }));
        verify(key, expected, measure.result());
        await rename(partial, target);
        return measure.result();
      } catch (error) {
        // The source too, when the file could not even be made (the pipeline never took it).
        measure.stream.destroy();
        await rm(partial, { force: true });
        throw error;
      }
    },

    async get(key) {
      try {
        const handle = await open(pathOf(key), "r");
        return handle.createReadStream();
      } catch (error) {
        throw isMissing(error) ? missing(key, error) : error;
      }
    },

    async withLocalFile(key, fn) {
      const file = pathOf(key);
      try {
        await access(file, constants.R_OK);
      } catch (error) {
        throw isMissing(error) ? missing(key, error) : error;
      }
      return fn(file);
    },

    async remove(key) {
      const { base, derived } = parseKey(key);
      await rm(pathOf(key), { force: true });
      if (derived === undefined) await rm(path.join(root, DERIVED_DIR, base), { recursive: true, force: true });
    },

    async exists(key) {
      return access(pathOf(key)).then(() => true, () => false);
    },

    async *listOlderThan(time) {
      yield* olderIn(root, time, (name) => name);
      const derivedRoot = path.join(root, DERIVED_DIR);
      const bases = await opendir(derivedRoot).catch((error) => (isMissing(error) ? undefined : Promise.reject(error)));
      for await (const base of bases ?? []) {
        if (base.isDirectory()) yield* olderIn(path.join(derivedRoot, base.name), time, (name) => `${base.name}.${name}`);
      }
    },

    async removeLeftovers(time) {
      const removed: string[] = [];
      const entries = await opendir(root).catch((error) => (isMissing(error) ? undefined : Promise.reject(error)));
      for await (const entry of entries ?? []) {
        if (!entry.isFile() || !entry.name.endsWith(".partial")) continue;
        const file = path.join(root, entry.name);
        const info = await stat(file).catch(() => undefined);
        if (info && info.mtime < time) {
          await rm(file, { force: true });
          removed.push(entry.name);
        }
      }
      return removed;
    },

    async check() {
      await mkdir(root, { recursive: true, mode: FOLDER_MODE });
      // A folder made before files were private is made private now (when it is ours to change).
      await chmod(root, FOLDER_MODE).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "EPERM") throw error;
      });
      await access(root, constants.R_OK | constants.W_OK);
    },

    async close() {},
  };
}
