/**
 * A Redis Cluster: three nodes started here, the web process and a worker with
 * REDIS_CLUSTER_NODES (and a REDIS_URL that reaches nothing, so every connection must be a
 * cluster one). Fixture documents go through the pipeline with their progress reaching a
 * socket.io-client through the cluster (adapter and emitter), while the node serving the queues'
 * slot restarts: its slots come back with it, and every document still ends done.
 */
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { afterAll, beforeAll, expect, it } from "vitest";
import { distinctDocuments } from "../fixtures";
import { startOwnStack, type OwnStack } from "../harness";
import { startRedisCluster, type RedisCluster } from "../redis-cluster";
import { api, listDocuments, ProgressWatcher, upload } from "./client";

const DOCUMENTS = 16;
const PREFIX = "{cluster}";

let cluster: RedisCluster;
let own: OwnStack & { watcher: ProgressWatcher };

beforeAll(async () => {
  cluster = await startRedisCluster();
  own = await startOwnStack(
    "docsum_cluster",
    {
      ...cluster.env,
      REDIS_URL: "redis://127.0.0.1:1",
      QUEUE_PREFIX: PREFIX,
      WORKER_LOCK_DURATION_MS: "4000",
      WORKER_STALLED_INTERVAL_MS: "2000",
    },
    { watch: true },
  );
});

afterAll(async () => {
  await own?.close();
  await cluster?.stop();
});

it("keeps the other keys on slots of their own tags (a sign-in throttle)", async () => {
  const email = "nobody@example.com";
  const login = await fetch(`${own.stack.baseURL}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: "wrong password" }),
  });
  expect(login.status).toBe(401);
  // The attempt is counted per email and address, and per address: both under the address's tag.
  const key = `cluster:sign-in:{127.0.0.1}:email:${email}`;
  expect(cluster.cli(cluster.nodeFor(key), "get", key)).toBe("1");
  expect(cluster.cli(cluster.nodeFor(key), "get", "cluster:sign-in:{127.0.0.1}:all")).not.toBeNull();
});

it("processes documents over the cluster, with live progress, through a node's restart", { timeout: 240_000 }, async () => {
  const { stack, watcher } = own;
  const ids: string[] = [];
  for (const batch of [0, 8]) {
    const { status, body } = await upload(stack.baseURL, (await distinctDocuments(DOCUMENTS)).slice(batch, batch + 8));
    expect(status).toBe(202);
    ids.push(...body.documents!.map((d) => d.id));
  }
  // The queues' keys all live on the one node that serves their hash tag's slot.
  const queueNode = cluster.nodeFor(PREFIX);
  expect(cluster.cli(queueNode, "exists", `${PREFIX}:ingest:meta`)).toBe("1");

  // Restart that node while documents are under way.
  const done = () => ids.filter((id) => watcher.last(id)?.status === "done").length;
  while (done() < 2) await new Promise((resolve) => setTimeout(resolve, 100));
  expect(done()).toBeLessThan(DOCUMENTS);
  await cluster.restart(queueNode, 2_000);

  const final = await watcher.waitForFinal(ids, 200_000).catch(async (error: Error) => {
    // Whether the page would be wrong too: what the database says of the documents still open.
    const stored = (await listDocuments(stack.baseURL)).filter((d) => d.status !== "done").map((d) => `${d.id}: ${d.status} ${d.stage} ${d.progress}`);
    throw new Error(`${error.message}\nIn the database, not done: ${stored.join("; ") || "none"}`);
  });
  expect([...final.values()].filter((event) => event.status !== "done").map((event) => `${event.id}: ${event.status} ${event.error}`)).toEqual([]);
  expect((await listDocuments(stack.baseURL)).map((d) => d.status)).toEqual(Array(DOCUMENTS).fill("done"));
  // Progress within the stages reached the browser side too, not only the final states.
  const midway = ids.filter((id) => watcher.events.get(id)!.some((event) => event.status === "processing" && event.progress > 0 && event.progress < 100));
  expect(midway.length).toBeGreaterThanOrEqual(DOCUMENTS / 2);
  // The web process still answers healthy, naming what it reaches.
  const health = await (await api(stack.baseURL, "/api/health")).json();
  expect(health).toMatchObject({ ok: true, database: true, redis: true, storage: { driver: "local", ok: true } });
});

it("serves every process's metrics over the cluster: the workers' reports share one slot", { timeout: 60_000 }, async () => {
  const { stack } = own;
  // The set of reporting processes lives on the node of its own tag, with each process's snapshot.
  const processes = "cluster:metrics:{processes}";
  const node = cluster.nodeFor(processes);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const response = await api(stack.baseURL, "/metrics");
    expect(response.status).toBe(200);
    const families = parsePrometheusTextFormat(await response.text());
    const samples = (name: string) => families.find((family) => family.name === name)?.metrics ?? [];
    const done = samples("docsum_documents_total").filter((sample) => sample.labels?.status === "done").reduce((sum, sample) => sum + Number(sample.value), 0);
    const roles = samples("process_cpu_seconds_total").map((sample) => sample.labels?.process.split("@")[0]);
    if (done >= DOCUMENTS && roles.includes("worker") && roles.includes("web")) break;
    if (Date.now() > deadline) throw new Error(`metrics over the cluster: ${done} documents done, processes ${roles.join(", ")}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  expect(Number(cluster.cli(node, "scard", processes))).toBeGreaterThanOrEqual(2);
  expect(cluster.cli(node, "smembers", processes)).toContain("worker@");
});
