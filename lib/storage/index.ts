/**
 * File storage for uploaded bytes, and for files made from them: one interface (./types.ts) and
 * three drivers, chosen by STORAGE_DRIVER. Only this module knows which one is in use; everyone
 * else calls `fileStorage()`.
 */
import { closeOnExit } from "../connections";
import { env } from "../env";
import { createLocalStorage } from "./local";
import { createPostgresStorage } from "./postgres";
import { createS3Storage } from "./s3";
import type { FileStorage, StorageDriverName } from "./types";

export { derivedKey, StorageIntegrityError, StorageObjectMissingError, STORAGE_DRIVERS } from "./types";
export type { FileStorage, StorageDriverName, StoredObject } from "./types";

/** A driver built from the settings (lib/env.ts): `driver` names it, the rest of its settings come from there. */
export function createStorage(driver: StorageDriverName = env.STORAGE_DRIVER): FileStorage {
  switch (driver) {
    case "local":
      return createLocalStorage({ dir: env.STORAGE_DIR });
    case "postgres":
      return createPostgresStorage({ databaseUrl: env.DATABASE_URL });
    case "s3":
      if (!env.S3_BUCKET) throw new Error("S3_BUCKET is required for s3 storage");
      return createS3Storage({
        endpoint: env.S3_ENDPOINT,
        bucket: env.S3_BUCKET,
        region: env.S3_REGION,
        credentials:
          env.S3_ACCESS_KEY_ID && env.S3_SECRET_ACCESS_KEY
            ? { accessKeyId: env.S3_ACCESS_KEY_ID, secretAccessKey: env.S3_SECRET_ACCESS_KEY }
            : undefined,
        forcePathStyle: env.S3_FORCE_PATH_STYLE,
        checksums: env.S3_CHECKSUMS,
        partSizeMb: env.S3_PART_SIZE_MB,
      });
  }
}

const cache = globalThis as unknown as { fileStorage?: FileStorage };

/** The process's storage (STORAGE_DRIVER), closed by `closeAll()`. */
export function fileStorage(): FileStorage {
  if (!cache.fileStorage) {
    const storage = createStorage();
    cache.fileStorage = storage;
    closeOnExit("file storage", async () => {
      cache.fileStorage = undefined;
      await storage.close();
    });
  }
  return cache.fileStorage;
}
