/** Starts the tests' local S3-compatible server (tests/s3-server.ts) in its own process. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { S3StorageConfig } from "@/lib/storage/s3";
import { startProcess, stopProcess } from "./harness";

/** s3rver's fixed credentials. */
export const S3RVER_CREDENTIALS = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };

export interface S3Server {
  /** The storage settings that reach it (without the part size). */
  config: Omit<S3StorageConfig, "partSizeMb">;
  /** The same as environment variables, for a stack's processes. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startS3Server(bucket = "docsum"): Promise<S3Server> {
  const directory = await mkdtemp(path.join(tmpdir(), "s3rver-"));
  const child = startProcess("s3rver", "tests/s3-server.ts", { S3_BUCKET: bucket }, [directory]);
  const port = await new Promise<string>((resolve, reject) => {
    child.stdout!.once("data", (chunk: Buffer) => resolve(chunk.toString().trim().split("\n")[0]));
    child.once("exit", (code) => reject(new Error(`s3rver exited with code ${code}`)));
  });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    config: { endpoint, bucket, region: "us-east-1", credentials: S3RVER_CREDENTIALS, forcePathStyle: true, checksums: "WHEN_REQUIRED" },
    env: {
      STORAGE_DRIVER: "s3",
      S3_ENDPOINT: endpoint,
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      S3_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      S3_FORCE_PATH_STYLE: "true",
    },
    async stop() {
      await stopProcess(child);
      await rm(directory, { recursive: true, force: true });
    },
  };
}
