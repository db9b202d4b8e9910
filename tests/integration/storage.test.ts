/**
 * The storage contract, the same tests against every driver: a 150 MB file streamed in and out
 * with bounded memory and its sha256 checked, a local file for parsers, removal with derived
 * files, a missing key, refused and interrupted puts, and listing by age. `s3` runs against a
 * local S3-compatible server (s3rver) started here; `postgres` against a database of its own.
 * Then the whole app on s3 storage: upload, extract, download and delete.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalStorage } from "@/lib/storage/local";
import { createPostgresStorage } from "@/lib/storage/postgres";
import { createS3Storage } from "@/lib/storage/s3";
import { derivedKey, StorageIntegrityError, StorageObjectMissingError, type FileStorage } from "@/lib/storage/types";
import { fixturePath } from "../fixtures";
import { freshDatabase, startOwnStack, testRedisDatabase } from "../harness";
import { api, fileFrom, upload } from "./client";
import { startS3Server, type S3Server } from "../s3";

const BIG_BYTES = 150 * 1024 * 1024;
/** What streaming may add to the process's resident memory: far less than the file. */
const MEMORY_BOUND_BYTES = 80 * 1024 * 1024;
const BLOCK = randomBytes(1024 * 1024);

/** `bytes` of data, 1 MiB at a time, each block made distinct by its number; generated as it is read. */
function generated(bytes: number): Readable {
  return Readable.from(
    (function* () {
      for (let offset = 0, n = 0; offset < bytes; offset += BLOCK.length, n++) {
        const block = Buffer.from(BLOCK.subarray(0, Math.min(BLOCK.length, bytes - offset)));
        block.writeUInt32BE(n, 0);
        yield block;
      }
    })(),
    { objectMode: false },
  );
}

async function sha256Of(stream: AsyncIterable<Buffer>): Promise<{ size: number; sha256: string }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest("hex") };
}

/** Runs `work` and returns its result with how far resident memory rose above where it started. */
async function peakGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  global.gc?.();
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growth: peak - start };
  } finally {
    clearInterval(timer);
  }
}

const text = (content: string) => Readable.from([Buffer.from(content)]);
async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}
const readAll = async (stream: AsyncIterable<Buffer>) => Buffer.concat(await collect(stream)).toString();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let localDir: string;
let s3: S3Server;
const drivers: Record<string, () => FileStorage> = {};
const opened: FileStorage[] = [];

beforeAll(async () => {
  localDir = await mkdtemp(path.join(tmpdir(), "storage-local-"));
  const databaseUrl = await freshDatabase("docsum_storage");
  s3 = await startS3Server();
  const open = (storage: FileStorage) => (opened.push(storage), storage);
  drivers.local = () => open(createLocalStorage({ dir: localDir }));
  drivers.postgres = () => open(createPostgresStorage({ databaseUrl }));
  drivers.s3 = () => open(createS3Storage({ ...s3.config, partSizeMb: 8 }));
});

afterAll(async () => {
  await Promise.all(opened.map((storage) => storage.close()));
  await s3?.stop();
  await rm(localDir, { recursive: true, force: true });
});

describe.each(["local", "postgres", "s3"])("%s storage", (name) => {
  let storage: FileStorage;
  beforeAll(() => {
    storage = drivers[name]();
  });

  it("streams a 150 MB file in and out with bounded memory, sha256 intact", { timeout: 240_000 }, async () => {
    const expected = await sha256Of(generated(BIG_BYTES));
    const put = await peakGrowth(() => storage.put("big", generated(BIG_BYTES)));
    expect(put.result).toEqual(expected);
    const read = await peakGrowth(async () => sha256Of(await storage.get("big")));
    expect(read.result).toEqual(expected);
    expect(put.growth).toBeLessThan(MEMORY_BOUND_BYTES);
    expect(read.growth).toBeLessThan(MEMORY_BOUND_BYTES);
    await storage.remove("big");
    expect(await storage.exists("big")).toBe(false);
  });

  it("gives parsers a local file, and removes any copy afterwards", async () => {
    await storage.put("parse-me", text("Hello, parser."));
    let copy = "";
    const content = await storage.withLocalFile("parse-me", async (file) => {
      copy = file;
      return readFile(file, "utf8");
    });
    expect(content).toBe("Hello, parser.");
    if (name === "local") expect(await stat(copy).then(() => true)).toBe(true);
    else expect(await stat(copy).then(() => true, () => false)).toBe(false);
  });

  it("answers a missing key with StorageObjectMissingError naming driver and key", async () => {
    expect(await storage.exists("never-stored")).toBe(false);
    const missing = await storage.get("never-stored").then(() => null, (error: unknown) => error);
    expect(missing).toBeInstanceOf(StorageObjectMissingError);
    expect(missing).toMatchObject({ driver: name, key: "never-stored" });
    await expect(storage.withLocalFile("never-stored", async () => "read")).rejects.toBeInstanceOf(StorageObjectMissingError);
    await expect(storage.remove("never-stored")).resolves.toBeUndefined();
  });

  it("replaces an object put again, and removes it with the files derived from it", async () => {
    await storage.put("doc", text("first"));
    await storage.put("doc", text("second"));
    expect(await readAll(await storage.get("doc"))).toBe("second");
    const thumbnail = derivedKey("doc", "thumbnail");
    await storage.put(thumbnail, text("small picture"));
    expect(await storage.exists(thumbnail)).toBe(true);
    await storage.remove("doc");
    expect(await storage.exists("doc")).toBe(false);
    expect(await storage.exists(thumbnail)).toBe(false);
  });

  it("keeps nothing of a put whose bytes are not the expected ones, or whose stream fails", async () => {
    const wrong = storage.put("checked", text("some bytes"), { sha256: "0".repeat(64) });
    await expect(wrong).rejects.toBeInstanceOf(StorageIntegrityError);
    expect(await storage.exists("checked")).toBe(false);
    const failing = Readable.from(
      (async function* () {
        yield Buffer.alloc(3 * 1024 * 1024, 1);
        throw new Error("connection reset");
      })(),
    );
    await expect(storage.put("interrupted", failing)).rejects.toThrow();
    expect(await storage.exists("interrupted")).toBe(false);
  });

  it("lists the keys stored before a time", async () => {
    await storage.put("older", text("old"));
    await sleep(1_100);
    const between = new Date();
    await sleep(1_100);
    await storage.put("newer", text("new"));
    const listed = await collect(storage.listOlderThan(between));
    expect(listed).toContain("older");
    expect(listed).not.toContain("newer");
  });
});

describe("the app on s3 storage", () => {
  it("uploads, extracts, downloads and deletes through the object store, thumbnails included", { timeout: 180_000 }, async () => {
    const { stack, watcher, close } = await startOwnStack("docsum_storage_s3", { REDIS_URL: testRedisDatabase(6), ...s3.env }, { watch: true });
    const objects = createS3Storage({ ...s3.config, partSizeMb: 8 });
    const stored = async () => (await collect(objects.listOlderThan(new Date(Date.now() + 60_000)))).length;
    try {
      // The bucket also holds what the contract tests above left.
      const before = await stored();
      const files = [await fileFrom(fixturePath("graphicx.pdf")), await fileFrom(fixturePath("coreutils-README.txt"))];
      const { status, body } = await upload(stack.baseURL, files);
      expect(status).toBe(202);
      const ids = body.documents!.map((d) => d.id);
      expect(await stored()).toBe(before + 2);
      const final = await watcher.waitForFinal(ids, 120_000);
      expect([...final.values()].map((event) => event.status)).toEqual(["done", "done"]);
      for (const [i, id] of ids.entries()) {
        const download = await api(stack.baseURL, `/api/documents/${id}/file`);
        expect(download.status).toBe(200);
        expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(files[i].data))).toBe(true);
      }
      const health = await (await api(stack.baseURL, "/api/health")).json();
      expect(health.storage).toEqual({ driver: "s3", ok: true });
      // The PDF's thumbnail is stored beside it in the bucket; the text file has none.
      const thumbnail = await api(stack.baseURL, `/api/documents/${ids[0]}/thumbnail`);
      expect([thumbnail.status, thumbnail.headers.get("content-type")]).toEqual([200, "image/png"]);
      expect((await api(stack.baseURL, `/api/documents/${ids[1]}/thumbnail`)).status).toBe(404);
      expect(await stored()).toBe(before + 3);
      // Deleting the PDF for good removes its file and its thumbnail.
      expect((await api(stack.baseURL, `/api/documents/${ids[0]}?purge=true`, { method: "DELETE" })).status).toBe(204);
      expect(await stored()).toBe(before + 1);
    } finally {
      await objects.close();
      await close();
    }
  });
});
