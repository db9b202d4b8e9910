/**
 * Figure 3, progress latency: from the worker's progress report (the app's `emitProgress`,
 * which the worker calls: Socket.IO emitter → Redis → the web process's Redis adapter → room) to
 * a socket.io-client receiving it; p50 and p95 over 1,000 events, one at a time. Baseline: a raw
 * Redis PUBLISH relayed by a bare Socket.IO server (own process) to the same kind of client.
 */
import { Redis } from "ioredis";
import { api } from "../tests/integration/client";
import { QUICK, runFigure } from "./lib/figure";
import { alternatingBlocks, connect, latencyResults, pingPong } from "./lib/latency";
import { BENCH_REDIS_URL, startBenchStack, startHelper, stopHelper, uniquePrefix } from "./lib/stack";

const EVENTS = 1000;
const WARMUP = 100;
const BLOCKS = QUICK ? 2 : 5;
const TIMEOUT_MS = 5_000;

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

    const events = (target: typeof app, tag: string, count: number) => pingPong(target.socket, "document:progress", target.send, tag, count, TIMEOUT_MS);
    await events(app, "warm-app", WARMUP);
    await events(base, "warm-base", WARMUP);
    const perBlock = EVENTS / BLOCKS;
    const runs = await alternatingBlocks("progress", BLOCKS, (target, block) => events(target === "app" ? app : base, `${target}-${block}`, perBlock));
    const baseline = "raw Redis PUBLISH relayed by a bare Socket.IO server (own process)";
    return latencyResults("progress latency", runs, baseline, { goals: ["p95"], details: { events: EVENTS, blocks: BLOCKS } });
  } finally {
    appSocket.close();
    relaySocket.close();
    await publisher.quit();
    await closeAll();
    await stopHelper(relay.child);
    await stack.stop();
  }
});
