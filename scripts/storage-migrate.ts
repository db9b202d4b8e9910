/**
 * `npm run storage:migrate -- --to <driver> [--from <driver>]`: copies every stored file from one
 * storage driver to another (from STORAGE_DRIVER unless `--from` names one; both configured by the
 * usual settings), one file at a time, with progress. Each copy is verified: the bytes written
 * must have the sha256 the database keeps for the document (when the file is a document's), and
 * reading them back from the target must give the same sha256. Copied keys are recorded in
 * DATA_DIR/storage-migration/<from>-to-<to>.done as they are verified, so an interrupted run
 * (Ctrl-C, a crash, a kill) resumes where it stopped when started again. The source keeps its
 * files: switch every process to the new driver, then remove them.
 */
import { createHash } from "node:crypto";
import { appendFile, mkdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { closeAll } from "@/lib/connections";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { createStorage, STORAGE_DRIVERS, type FileStorage, type StorageDriverName } from "@/lib/storage";

function driverArg(value: string | undefined, flag: string): StorageDriverName {
  if (!value || !(STORAGE_DRIVERS as readonly string[]).includes(value)) {
    throw new Error(`${flag} must be one of ${STORAGE_DRIVERS.join(", ")}${value ? ` (not "${value}")` : ""}`);
  }
  return value as StorageDriverName;
}

async function sha256Of(stream: AsyncIterable<Buffer>): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest("hex");
}

async function readDone(file: string): Promise<Set<string>> {
  const text = await readFile(file, "utf8").catch((error: NodeJS.ErrnoException) => (error.code === "ENOENT" ? "" : Promise.reject(error)));
  return new Set(text.split("\n").filter(Boolean));
}

/** The sha256 the database keeps for each document's file, by storage key. */
async function documentHashes(): Promise<Map<string, string>> {
  const documents = await prisma.document.findMany({ select: { storageKey: true, sha256: true } });
  return new Map(documents.map((document) => [document.storageKey, document.sha256]));
}

/** Copies one key and checks it (against `expected`, the document's sha256, when known); returns the bytes copied. */
async function copy(key: string, from: FileStorage, to: FileStorage, expected: string | undefined): Promise<number> {
  const stored = await to.put(key, await from.get(key), expected ? { sha256: expected } : undefined);
  const readBack = await sha256Of(await to.get(key));
  if (readBack !== stored.sha256) throw new Error(`reading "${key}" back from ${to.driver} storage gave sha256 ${readBack}, not ${stored.sha256}`);
  return stored.size;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { to: { type: "string" }, from: { type: "string" } } });
  const from = driverArg(values.from ?? env.STORAGE_DRIVER, "--from");
  const to = driverArg(values.to, "--to");
  if (from === to) throw new Error(`--from and --to are both ${from}: nothing to move`);
  const source = createStorage(from);
  const target = createStorage(to);
  await Promise.all([source.check(), target.check()]);

  const stateDir = path.join(env.DATA_DIR, "storage-migration");
  const doneFile = path.join(stateDir, `${from}-to-${to}.done`);
  await mkdir(stateDir, { recursive: true });
  const done = await readDone(doneFile);
  const keys: string[] = [];
  for await (const key of source.listOlderThan(new Date())) keys.push(key);
  const todo = keys.filter((key) => !done.has(key));
  const hashes = await documentHashes();
  console.log(`[storage:migrate] ${from} (${source.location}) -> ${to} (${target.location}): ${keys.length} files, ${keys.length - todo.length} already copied`);

  let stop = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      stop = true;
      console.log(`[storage:migrate] ${signal}: stopping after the file under way`);
    });
  }
  const failures: string[] = [];
  let copied = keys.length - todo.length;
  let bytes = 0;
  for (const key of todo) {
    if (stop) break;
    try {
      bytes += await copy(key, source, target, hashes.get(key));
      await appendFile(doneFile, `${key}\n`);
      copied += 1;
      console.log(`[storage:migrate] ${copied}/${keys.length} copied (${(bytes / 1024 / 1024).toFixed(1)} MB this run): ${key}`);
    } catch (error) {
      failures.push(key);
      console.error(`[storage:migrate] ${key} failed: ${(error as Error).message}`);
    }
  }
  await Promise.all([source.close(), target.close()]);
  if (stop) {
    console.log(`[storage:migrate] interrupted at ${copied}/${keys.length}: run the same command again to go on`);
    return 130;
  }
  if (failures.length > 0) {
    console.error(`[storage:migrate] ${failures.length} of ${keys.length} files failed (see above); run again to retry them`);
    return 1;
  }
  await rm(doneFile, { force: true });
  console.log(`[storage:migrate] all ${keys.length} files are in ${to} storage, verified by sha256.`);
  console.log(`[storage:migrate] Set STORAGE_DRIVER=${to} for every web and worker process and restart them; the ${from} files are kept until you remove them.`);
  return 0;
}

main()
  .then(async (code) => {
    await closeAll();
    process.exit(code);
  })
  .catch(async (error: Error) => {
    console.error(`[storage:migrate] ${error.message}`);
    await closeAll();
    process.exit(1);
  });
