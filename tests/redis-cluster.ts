/**
 * A three-node Redis Cluster for tests: three `redis-server --cluster-enabled yes` processes on
 * free ports (AOF on, a password, no replicas), joined by `redis-cli --cluster create`. A node
 * can be restarted: it comes back with its slots and its data. Other nodes keep serving their
 * slots meanwhile (`cluster-require-full-coverage no`).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

const NODES = 3;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function freeClusterPort(taken: number[]): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 25_000);
    if (!taken.includes(port) && (await portFree(port)) && (await portFree(port + 10_000))) return port;
  }
}

export interface RedisCluster {
  ports: number[];
  password: string;
  /** REDIS_CLUSTER_NODES and REDIS_PASSWORD for the app's processes. */
  env: Record<string, string>;
  /** Runs a redis-cli command against one node; its output. */
  cli(port: number, ...args: string[]): string;
  /** The port of the node that serves `key`'s slot. */
  nodeFor(key: string): number;
  /** Stops a node (SIGTERM, so it writes its AOF) and starts it again; resolves once the cluster is whole. */
  restart(port: number, downMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function startRedisCluster(): Promise<RedisCluster> {
  const dir = await mkdtemp(path.join(tmpdir(), "redis-cluster-"));
  const password = randomBytes(12).toString("hex");
  const ports: number[] = [];
  for (let i = 0; i < NODES; i++) ports.push(await freeClusterPort(ports));
  const servers = new Map<number, ChildProcess>();

  const cli = (port: number, ...args: string[]) => {
    const run = spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...args], { encoding: "utf8", env: { ...process.env, REDISCLI_AUTH: password } });
    return `${run.stdout ?? ""}${run.stderr ?? ""}`.trim();
  };

  const startNode = (port: number) =>
    new Promise<void>((resolve, reject) => {
      const args = ["-", "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--cluster-enabled", "yes",
        "--cluster-config-file", `nodes-${port}.conf`, "--cluster-node-timeout", "2000", "--cluster-require-full-coverage", "no",
        "--appendonly", "yes", "--appendfilename", `appendonly-${port}.aof`, "--appenddirname", `aof-${port}`, "--save", "",
        "--maxmemory-policy", "noeviction"];
      const child = spawn("redis-server", args, { stdio: ["pipe", "pipe", "pipe"] });
      // The password through standard input (a config read from stdin), never on a command line.
      child.stdin!.end(`requirepass ${password}\nmasterauth ${password}\n`);
      let said = "";
      child.stdout!.on("data", (chunk: Buffer) => {
        said += chunk.toString();
        if (said.includes("Ready to accept connections")) resolve();
      });
      child.once("exit", (code) => reject(new Error(`redis-server on ${port} exited with ${code}: ${said.slice(-500)}`)));
      servers.set(port, child);
    });

  const whole = async () => {
    for (let waited = 0; ; waited += 200) {
      if (ports.every((port) => cli(port, "cluster", "info").includes("cluster_state:ok") && !cli(port, "cluster", "nodes").includes("fail"))) return;
      if (waited > 30_000) throw new Error(`the cluster did not become whole:\n${cli(ports[0], "cluster", "nodes")}`);
      await sleep(200);
    }
  };

  const stopNode = async (port: number) => {
    const child = servers.get(port);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    // Not the start-up's listener, which would take a stop for a crash.
    child.removeAllListeners("exit");
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };

  await Promise.all(ports.map(startNode));
  const created = cli(ports[0], "--cluster", "create", ...ports.map((port) => `127.0.0.1:${port}`), "--cluster-replicas", "0", "--cluster-yes");
  if (!created.includes("All 16384 slots covered")) throw new Error(`redis-cli --cluster create failed:\n${created}`);
  await whole();

  return {
    ports,
    password,
    env: { REDIS_CLUSTER_NODES: ports.map((port) => `127.0.0.1:${port}`).join(","), REDIS_PASSWORD: password },
    cli,
    nodeFor(key) {
      const slot = Number(cli(ports[0], "cluster", "keyslot", key));
      const owner = ports.find((port) => cli(port, "cluster", "nodes").split("\n").some((line) => {
        const fields = line.split(" ");
        return fields[2]?.includes("myself") && fields.slice(8).some((range) => {
          const [from, to = from] = range.split("-").map(Number);
          return slot >= from && slot <= to;
        });
      }));
      if (!owner) throw new Error(`no node serves slot ${slot}`);
      return owner;
    },
    async restart(port, downMs = 3_000) {
      await stopNode(port);
      await sleep(downMs);
      await startNode(port);
      await whole();
    },
    async stop() {
      await Promise.all(ports.map(stopNode));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
