/**
 * Figure 3, progress latency: from the worker's progress report (the app's `emitProgress`,
 * which the worker calls: Socket.IO emitter → Redis → the web process's Redis adapter → room) to
 * a socket.io-client receiving it; p50 and p95 over 1,000 events, one at a time. Baseline: a raw
 * Redis PUBLISH relayed by a bare Socket.IO server (own process) to the same kind of client.
 */
import { Redis } from "ioredis";
import { io, type Socket } from "socket.io-client";
import { api } from "../tests/integration/client";
import { log, QUICK, result, runFigure } from "./lib/figure";
import { BENCH_REDIS_URL, startBenchStack, startHelper, stopHelper, uniquePrefix } from "./lib/stack";
import { median, quantile } from "./lib/stats";

const EVENTS = 1000;
const WARMUP = 100;
const BLOCKS = QUICK ? 2 : 5;
const TIMEOUT_MS = 5_000;

type Send = (id: string) => void;

async function connect(url: string, token?: string): Promise<Socket> {
  const socket = io(url, { transports: ["websocket"], reconnection: false, auth: token ? { token } : {} });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

/** Sends `count` events one after the other, each once the previous arrived; their latencies in ms. */
async function pingPong(socket: Socket, send: Send, tag: string, count: number): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${tag}-${i}`;
    const arrived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`event ${id} did not arrive within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      const listener = (event: { id: string }) => {
        if (event.id !== id) return;
        clearTimeout(timer);
        socket.off("document:progress", listener);
        resolve();
      };
      socket.on("document:progress", listener);
    });
    const start = process.hrtime.bigint();
    send(id);
    await arrived;
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return latencies;
}

runFigure(async () => {
  const stack = await startBenchStack("progress");
  const channel = uniquePrefix("relay");
  const relay = await startHelper("relay", "bench/lib/relay-server.ts", { REDIS_URL: BENCH_REDIS_URL, BENCH_CHANNEL: channel });
  // The app's own progress module, pointed at this stack's Redis and prefix (it reads them on import).
  Object.assign(process.env, { REDIS_URL: stack.env.REDIS_URL, QUEUE_PREFIX: stack.env.QUEUE_PREFIX, DATABASE_URL: stack.env.DATABASE_URL });
  const { emitProgress } = await import("@/lib/socket-emitter");
  const { closeAll } = await import("@/lib/connections");
  const me = (await (await api(stack.baseURL, "/api/auth/me")).json()) as { user: { id: string } };
  const publisher = new Redis(BENCH_REDIS_URL);
  const appSocket = await connect(stack.baseURL, stack.admin!.token);
  const relaySocket = await connect(`http://127.0.0.1:${relay.line}`);
  try {
    const progress = (id: string) => ({ id, status: "processing" as const, stage: "extract" as const, progress: 10, error: null });
    const app = { socket: appSocket, send: (id: string) => emitProgress(me.user.id, progress(id)) };
    const base = { socket: relaySocket, send: (id: string) => void publisher.publish(channel, JSON.stringify(progress(id))) };

    await pingPong(app.socket, app.send, "warm-app", WARMUP);
    await pingPong(base.socket, base.send, "warm-base", WARMUP);
    const perBlock = EVENTS / BLOCKS;
    const runs = { app: { p50: [] as number[], p95: [] as number[] }, base: { p50: [] as number[], p95: [] as number[] } };
    for (let block = 0; block < BLOCKS; block++) {
      const order = block % 2 === 0 ? (["app", "base"] as const) : (["base", "app"] as const);
      for (const target of order) {
        const { socket, send } = target === "app" ? app : base;
        const latencies = await pingPong(socket, send, `${target}-${block}`, perBlock);
        runs[target].p50.push(quantile(latencies, 0.5));
        runs[target].p95.push(quantile(latencies, 0.95));
      }
      log(`progress: block ${block + 1}/${BLOCKS}: app p95 ${runs.app.p95.at(-1)!.toFixed(2)} ms, bare p95 ${runs.base.p95.at(-1)!.toFixed(2)} ms`);
    }
    const baseline = "raw Redis PUBLISH relayed by a bare Socket.IO server (own process)";
    const details = { events: EVENTS, blocks: BLOCKS, baselineRuns: runs.base };
    return [
      result({
        name: "progress latency p95",
        value: median(runs.app.p95),
        unit: "ms",
        baseline,
        baselineValue: median(runs.base.p95),
        runs: runs.app.p95,
        goal: "p95 ratio ≤ 2",
        met: median(runs.app.p95) / median(runs.base.p95) <= 2,
        details,
      }),
      result({ name: "progress latency p50", value: median(runs.app.p50), unit: "ms", baseline, baselineValue: median(runs.base.p50), runs: runs.app.p50 }),
    ];
  } finally {
    appSocket.close();
    relaySocket.close();
    await publisher.quit();
    await closeAll();
    await stopHelper(relay.child);
    await stack.stop();
  }
});
