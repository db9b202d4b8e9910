/**
 * `npm run storage:migrate -- --to postgres` on an installation with 50 documents in local
 * storage: killed midway, then run again, it goes on where it stopped; afterwards every file is
 * in PostgreSQL with the sha256 the database keeps, and a web process on postgres storage serves
 * each one.
 */
import type { ChildProcess } from "node:child_process";
import { createHash, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createPostgresStorage } from "@/lib/storage/postgres";
import { freePort, startOwnStack, startProcess, stopProcess, testRedisDatabase, waitForHealth, type OwnStack } from "../harness";
import { api, upload } from "./client";

const DOCUMENTS = 50;

let own: OwnStack;
let dataDir: string;

/** A text document of about `kib` KiB, unique by its marker. */
function note(n: number, kib: number) {
  const marker = randomUUID();
  const line = `Document ${n} (${marker}) is about moving files from a folder into the database, line by line.\n`;
  return { name: `moved-${n}.txt`, data: line.repeat(Math.ceil((kib * 1024) / line.length)) };
}

/** Runs the migration to postgres; `onLine` sees each line it prints and may stop it. */
function migrateToPostgres(onLine: (line: string, child: ChildProcess) => void = () => undefined) {
  const child = startProcess("storage:migrate", "scripts/storage-migrate.ts", { ...own.stack.env, DATA_DIR: dataDir }, ["--to", "postgres"]);
  let printed = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n").filter(Boolean)) {
      printed += `${line}\n`;
      onLine(line, child);
    }
  });
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; printed: string }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal, printed })),
  );
}

const sha256 = (bytes: Uint8Array | Buffer) => createHash("sha256").update(bytes).digest("hex");

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), "storage-migrate-"));
  own = await startOwnStack("docsum_storage_migrate", { REDIS_URL: testRedisDatabase(6) });
  // Only the files matter here: no worker spends the machine's cores meanwhile.
  await stopProcess(own.stack.workers[0]);
  for (let i = 0; i < DOCUMENTS; i += 10) {
    const { status } = await upload(own.stack.baseURL, Array.from({ length: 10 }, (_, j) => note(i + j, 512)));
    expect(status).toBe(202);
  }
});

afterAll(async () => {
  await own?.close();
  await rm(dataDir, { recursive: true, force: true });
});

it("moves every file to postgres, interrupted once and resumed, verified by sha256", { timeout: 180_000 }, async () => {
  const first = await migrateToPostgres((line, child) => {
    if (line.includes(` 10/${DOCUMENTS} copied`)) child.kill("SIGKILL");
  });
  expect(first.signal).toBe("SIGKILL");
  expect(first.printed).not.toContain("all 50 files");

  const second = await migrateToPostgres();
  expect(second.code).toBe(0);
  const resumed = Number(/(\d+) already copied/.exec(second.printed)?.[1]);
  expect(resumed).toBeGreaterThanOrEqual(10);
  expect(resumed).toBeLessThan(DOCUMENTS);
  expect(second.printed).toContain(`all ${DOCUMENTS} files are in postgres storage, verified by sha256`);

  // Every file is in PostgreSQL with the sha256 the database keeps for its document.
  const db = new pg.Client({ connectionString: own.stack.env.DATABASE_URL });
  await db.connect();
  const { rows: documents } = await db.query<{ id: string; storageKey: string; sha256: string }>(`SELECT id, "storageKey", sha256 FROM "Document"`);
  const { rows: stored } = await db.query<{ key: string; sha256: string }>(`SELECT key, sha256 FROM "StoredFile"`);
  await db.end();
  expect(documents).toHaveLength(DOCUMENTS);
  expect(new Map(stored.map((file) => [file.key, file.sha256]))).toEqual(new Map(documents.map((d) => [d.storageKey, d.sha256])));
  const storage = createPostgresStorage({ databaseUrl: own.stack.env.DATABASE_URL });
  try {
    for (const document of documents) {
      const hash = createHash("sha256");
      for await (const chunk of await storage.get(document.storageKey)) hash.update(chunk);
      expect(hash.digest("hex")).toBe(document.sha256);
    }
  } finally {
    await storage.close();
  }

  // A web process on postgres storage serves every file as it was uploaded.
  const port = await freePort();
  const web = startProcess("web on postgres", "server.ts", { ...own.stack.env, STORAGE_DRIVER: "postgres", PORT: String(port) });
  try {
    const baseURL = `http://127.0.0.1:${port}`;
    await waitForHealth(baseURL, web);
    const health = await (await fetch(`${baseURL}/api/health`)).json();
    expect(health.storage).toEqual({ driver: "postgres", ok: true });
    for (const document of documents) {
      const response = await api(baseURL, `/api/documents/${document.id}/file`);
      expect(response.status).toBe(200);
      expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(document.sha256);
    }
  } finally {
    await stopProcess(web);
  }
});
