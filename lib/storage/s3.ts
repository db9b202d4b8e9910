/**
 * The `s3` driver: any S3-compatible object store (AWS S3, MinIO, Ceph, R2...), one object per
 * key in one bucket. Puts stream through a multipart upload (parts of `partSizeMb`, two in
 * flight, so memory stays bounded whatever the file's size); reads stream the object's body.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import type { Readable } from "node:stream";
import { measuring, verify, withTemporaryCopy } from "./streams";
import { parseKey, StorageObjectMissingError, type FileStorage } from "./types";

export interface S3StorageConfig {
  /** The store's URL; absent for AWS itself. */
  endpoint?: string;
  bucket: string;
  region: string;
  /** Absent: the SDK's own credential chain (environment, profile, instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Bucket in the path (MinIO, most self-hosted stores) rather than in the host name. */
  forcePathStyle: boolean;
  /**
   * The SDK's flexible checksums. WHEN_REQUIRED sends none unless an operation demands one: some
   * S3-compatible stores keep a streamed upload's aws-chunked checksum framing as the object's bytes.
   */
  checksums: "WHEN_REQUIRED" | "WHEN_SUPPORTED";
  partSizeMb: number;
}

const PARTS_IN_FLIGHT = 2;

function status(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

export function createS3Storage(config: S3StorageConfig): FileStorage {
  const client = new S3Client({
    endpoint: config.endpoint,
    region: config.region,
    credentials: config.credentials,
    forcePathStyle: config.forcePathStyle,
    requestChecksumCalculation: config.checksums,
    responseChecksumValidation: config.checksums,
  });
  const Bucket = config.bucket;
  const location = `${config.endpoint ?? "aws"}/${Bucket}`;
  const missing = (key: string, cause?: unknown) => new StorageObjectMissingError("s3", key, location, { cause });

  async function open(key: string): Promise<Readable> {
    parseKey(key);
    try {
      const answer = await client.send(new GetObjectCommand({ Bucket, Key: key }));
      return answer.Body as Readable;
    } catch (error) {
      if (status(error) === 404 || (error as Error)?.name === "NoSuchKey") throw missing(key, error);
      throw error;
    }
  }

  async function* list(prefix?: string) {
    let ContinuationToken: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken }));
      yield* page.Contents ?? [];
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  const deleteObject = (key: string) => client.send(new DeleteObjectCommand({ Bucket, Key: key }));

  return {
    driver: "s3",
    location,

    async put(key, source, expected) {
      parseKey(key);
      const measure = measuring(source);
      const upload = new Upload({
        client,
        params: { Bucket, Key: key, Body: measure.stream, ...(expected?.size !== undefined ? { ContentLength: expected.size } : {}) },
        partSize: config.partSizeMb * 1024 * 1024,
        queueSize: PARTS_IN_FLIGHT,
      });
      await upload.done();
      const stored = measure.result();
      try {
        verify(key, expected, stored);
      } catch (error) {
        await deleteObject(key);
        throw error;
      }
      return stored;
    },

    get: open,

    async withLocalFile(key, fn) {
      return withTemporaryCopy(await open(key), fn);
    },

    async remove(key) {
      const { derived } = parseKey(key);
      await deleteObject(key);
      if (derived !== undefined) return;
      for await (const object of list(`${key}.`)) if (object.Key) await deleteObject(object.Key);
    },

    async exists(key) {
      parseKey(key);
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return true;
      } catch (error) {
        if (status(error) === 404) return false;
        throw error;
      }
    },

    async *listOlderThan(time) {
      for await (const object of list()) {
        if (!object.Key || !object.LastModified || object.LastModified >= time) continue;
        try {
          parseKey(object.Key);
        } catch {
          continue; // Not one of ours.
        }
        yield object.Key;
      }
    },

    // Writes here are all-or-nothing (a transaction, a multipart upload): nothing is left over.
    async removeLeftovers() {
      return [];
    },

    async check() {
      await client.send(new HeadBucketCommand({ Bucket }));
    },

    async close() {
      client.destroy();
    },
  };
}
