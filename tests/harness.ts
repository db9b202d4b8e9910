/**
 * Starts the real stack for tests: the production web server (Next.js + Socket.IO) and the
 * worker, each as its own process, against the test database and Redis, on a free port.
 */
import { randomBytes } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, rm } from "node:fs/promises";
import { createServer } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Redis } from "ioredis";
import pg from "pg";
import { migrate } from "../scripts/migrate";
import { ProgressWatcher, setDefaultToken } from "./integration/client";

export const ROOT = path.resolve(import.meta.dirname, "..");
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:54329/docsum_test";
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:63790/1";

export interface Stack {
  baseURL: string;
  /** The administrator's email and an API token of theirs (absent when made with `{ admin: false }`). */
  admin?: { email: string; password: string; token: string };
  env: Record<string, string>;
  /** The worker processes started so far (the first by startStack). */
  workers: ChildProcess[];
  /** Everything each of the stack's processes wrote so far (stdout and stderr), by process, in start order. */
  output(): { name: string; text: string }[];
  /**
   * Starts another worker process with the stack's settings. With `machine`, it runs as if on a
   * machine of its own: its own working directory, DATA_DIR and STORAGE_DIR (see `machineFolder`).
   */
  startWorker(extraEnv?: Record<string, string>, options?: { machine?: string }): Promise<ChildProcess>;
  stop(): Promise<void>;
}

/** A port of 127.0.0.1 that nothing listens on now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Creates (or re-creates) a migrated database beside the test database (or on the server that
 * `serverUrl` reaches), for a stack of its own; returns its URL.
 */
export async function freshDatabase(name: string, serverUrl = TEST_DATABASE_URL): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  await migrate(url.toString());
  return url.toString();
}

/** The URL of the test Redis server's database `offset` places after the test one's (of 16), for a stack of a suite's own. */
export function testRedisDatabase(offset: number): string {
  const url = new URL(TEST_REDIS_URL);
  url.pathname = `/${(Number(url.pathname.slice(1) || 0) + offset) % 16}`;
  return url.toString();
}

/** Empties a test database's tables and a test Redis database (none when `redisUrl` is null). */
export async function resetState(databaseUrl = TEST_DATABASE_URL, redisUrl: string | null = TEST_REDIS_URL): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`TRUNCATE "Similarity", "Document", "TrashedDocument", "Question", "ApiToken", "Session", "User" CASCADE`);
  await client.end();
  if (redisUrl === null) return;
  const redis = new Redis(redisUrl);
  await redis.flushdb();
  await redis.quit();
}

// tsx's loader and the project's tsconfig (for the "@/" paths), found from any working directory.
const TSX_LOADER = pathToFileURL(path.join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
const TSCONFIG = path.join(ROOT, "tsconfig.json");

/**
 * Runs a TypeScript entry file (a path from the project root) as its own process, with the given
 * settings, in `cwd` (the project root by default); `onOutput` gets what it writes.
 */
export function startProcess(
  name: string,
  script: string,
  env: Record<string, string>,
  args: string[] = [],
  { cwd = ROOT, onOutput }: { cwd?: string; onOutput?: (text: string) => void } = {},
): ChildProcess {
  // One process (node with tsx's loader), so signals reach the program itself.
  const child = spawn(process.execPath, ["--import", TSX_LOADER, path.resolve(ROOT, script), ...args], {
    cwd,
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = `[${name}] `;
  const verbose = process.env.STACK_LOGS === "1";
  child.stdout?.on("data", (chunk: Buffer) => {
    onOutput?.(chunk.toString());
    if (verbose) process.stdout.write(prefix + chunk.toString());
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    onOutput?.(chunk.toString());
    process.stderr.write(prefix + chunk.toString());
  });
  return child;
}

/** The JSON log lines in a process's output (other lines left out), each as its fields. */
export function logLines(text: string): Record<string, unknown>[] {
  return text.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return [];
    try {
      return [JSON.parse(line) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** Resolves once the web process `child` answers its health check with 200. */
export async function waitForHealth(baseURL: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`web process exited with code ${child.exitCode}`);
    try {
      const response = await fetch(`${baseURL}/api/health`);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`web process did not answer ${baseURL}/api/health within ${timeoutMs} ms`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
  await exited;
  clearTimeout(timer);
}

/**
 * A folder standing for another machine: its working directory, with `data/` (its DATA_DIR) and
 * `data/uploads/` (its STORAGE_DIR, which nothing else sees), made afresh.
 */
export async function machineFolder(name: string): Promise<{ cwd: string; env: Record<string, string> }> {
  const cwd = path.join(ROOT, "data", "test", "machines", name);
  await rm(cwd, { recursive: true, force: true });
  await mkdir(path.join(cwd, "data", "uploads"), { recursive: true });
  return { cwd, env: { DATA_DIR: path.join(cwd, "data"), STORAGE_DIR: path.join(cwd, "data", "uploads") } };
}

export const ADMIN_PASSWORD = "correct horse battery staple";

/** Creates the installation's first account (its admin) through the first-run API, and a token for it. */
export async function createAdmin(baseURL: string, setupToken: string, email = "admin@example.com"): Promise<NonNullable<Stack["admin"]>> {
  const register = await fetch(`${baseURL}/api/auth/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: ADMIN_PASSWORD, setupToken }),
  });
  if (register.status !== 201) throw new Error(`first-run registration answered ${register.status}: ${await register.text()}`);
  const cookie = register.headers.getSetCookie()[0].split(";")[0];
  const created = await fetch(`${baseURL}/api/tokens`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({ name: "tests" }),
  });
  if (created.status !== 201) throw new Error(`token creation answered ${created.status}: ${await created.text()}`);
  const { token } = (await created.json()) as { token: string };
  return { email, password: ADMIN_PASSWORD, token };
}

/**
 * Starts web and worker against a clean test database; `extraEnv` overrides settings (a
 * DATABASE_URL or REDIS_URL in it is the one reset and used). Unless `admin` is false, the first
 * account is made, as on a first run, and its token returned with the stack. With `worker: false`
 * no worker is started yet; with `webMachine`, the web process runs in a machine folder of its own.
 */
export async function startStack(
  extraEnv: Record<string, string> = {},
  { admin = true, worker = true, webMachine }: { admin?: boolean; worker?: boolean; webMachine?: string } = {},
): Promise<Stack> {
  // A Redis Cluster a suite starts for itself is new and empty.
  await resetState(extraEnv.DATABASE_URL ?? TEST_DATABASE_URL, extraEnv.REDIS_CLUSTER_NODES ? null : (extraEnv.REDIS_URL ?? TEST_REDIS_URL));
  const port = await freePort();
  const storageDir = path.join(ROOT, "data", "test", `uploads-${port}`);
  await rm(storageDir, { recursive: true, force: true });
  await mkdir(storageDir, { recursive: true });
  const env: Record<string, string> = {
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    PORT: String(port),
    HOST: "127.0.0.1",
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    STORAGE_DIR: storageDir,
    QUEUE_PREFIX: `test${port}`,
    MAX_UPLOAD_BYTES: String(5 * 1024 * 1024),
    LOG_LEVEL: process.env.STACK_LOGS === "1" ? "debug" : "error",
    RECONCILE_EVERY_MS: "1000",
    RECONCILE_STALE_AFTER_MS: "4000",
    // High enough that no suite meets the upload rate limit unless it lowers it.
    UPLOAD_FILES_PER_MINUTE: "100000",
    UPLOAD_BYTES_PER_MINUTE: String(100 * 1024 * 1024 * 1024),
    // The first account's one-time token, as `npm start` prints it in a link.
    SETUP_TOKEN: randomBytes(18).toString("base64url"),
    // Live connections of ended credentials close within a second or two (the tests wait for it).
    SOCKET_RECHECK_MS: "1000",
    ...extraEnv,
  };
  const children: ChildProcess[] = [];
  const workers: ChildProcess[] = [];
  const machines: string[] = [];
  const output: { name: string; text: string }[] = [];
  const capture = (name: string) => {
    const entry = { name, text: "" };
    output.push(entry);
    return (text: string) => {
      entry.text += text;
    };
  };
  const startWorker = async (workerEnv: Record<string, string> = {}, { machine }: { machine?: string } = {}) => {
    const own = machine ? await machineFolder(`${port}-${machine}`) : undefined;
    if (own) machines.push(own.cwd);
    const name = machine ? `worker ${machine}` : "worker";
    const worker = startProcess(name, "worker/index.ts", { ...env, ...own?.env, ...workerEnv }, [], { cwd: own?.cwd, onOutput: capture(name) });
    children.push(worker);
    workers.push(worker);
    return worker;
  };
  const webFolder = webMachine ? await machineFolder(`${port}-${webMachine}`) : undefined;
  if (webFolder) {
    machines.push(webFolder.cwd);
    Object.assign(env, webFolder.env);
  }
  const web = startProcess("web", "server.ts", env, [], { cwd: webFolder?.cwd, onOutput: capture("web") });
  children.push(web);
  if (worker) await startWorker();
  const baseURL = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(baseURL, web);
  } catch (error) {
    await Promise.all(children.map(stopProcess));
    throw error;
  }
  return {
    baseURL,
    admin: admin ? await createAdmin(baseURL, env.SETUP_TOKEN) : undefined,
    env,
    workers,
    output: () => output.map((entry) => ({ ...entry })),
    startWorker,
    async stop() {
      await Promise.all(children.map(stopProcess));
      await Promise.all([storageDir, ...machines].map((dir) => rm(dir, { recursive: true, force: true })));
    },
  };
}

/** A stack a suite starts for itself (see startOwnStack). */
export interface OwnStack {
  stack: Stack;
  /** Closes the progress watcher, if one was connected, then stops the stack. */
  close(): Promise<void>;
}

/**
 * Starts a stack on a database of its own, `database`, made afresh beside the test database, with
 * `env` added (a REDIS_URL in it gives the stack its own Redis), and makes its admin the one the
 * test client signs in as. With `{ watch: true }`, also connects a progress watcher to it;
 * `databaseServer` makes the database on another PostgreSQL server; `worker` and `webMachine`
 * are startStack's.
 */
type OwnStackOptions = { worker?: boolean; webMachine?: string; databaseServer?: string };
export function startOwnStack(database: string, env: Record<string, string>, options: OwnStackOptions & { watch: true }): Promise<OwnStack & { watcher: ProgressWatcher }>;
export function startOwnStack(database: string, env: Record<string, string>, options?: OwnStackOptions & { watch?: false }): Promise<OwnStack>;
export async function startOwnStack(
  database: string,
  env: Record<string, string>,
  { watch = false, databaseServer, ...stackOptions }: OwnStackOptions & { watch?: boolean } = {},
): Promise<OwnStack & { watcher?: ProgressWatcher }> {
  const stack = await startStack({ DATABASE_URL: await freshDatabase(database, databaseServer), ...env }, stackOptions);
  setDefaultToken(stack.admin!.token);
  const watcher = watch
    ? await ProgressWatcher.connect(stack.baseURL).catch(async (error: unknown) => {
        await stack.stop();
        throw error;
      })
    : undefined;
  return {
    stack,
    watcher,
    async close() {
      watcher?.close();
      await stack.stop();
    },
  };
}
