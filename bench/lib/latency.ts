/** What the latency figures share: a socket.io-client, one event at a time, app and baseline blocks in turn, and their p50/p95 results. */
import { performance } from "node:perf_hooks";
import { io, type Socket } from "socket.io-client";
import type { ClientToServerEvents, ServerToClientEvents } from "@/lib/events";
import { log, result, type FigureResult } from "./figure";
import { median, quantile } from "./stats";

export type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A socket.io-client connected to `url` (with an API token for the app; with a `room` in `query` for the relay's rooms). */
export async function connect(url: string, token?: string, query: Record<string, string> = {}): Promise<Client> {
  const socket: Client = io(url, { transports: ["websocket"], reconnection: false, auth: token ? { token } : {}, query });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", () => resolve());
    socket.once("connect_error", reject);
  });
  return socket;
}

/**
 * Sends `count` events one after the other with `send(id)`, each once the previous arrived at
 * `socket` as `event`; their latencies in ms.
 */
export async function pingPong(
  socket: Client,
  event: "document:progress" | "document:summary",
  send: (id: string) => void,
  tag: string,
  count: number,
  timeoutMs: number,
): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const id = `${tag}-${i}`;
    const arrived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`event ${id} did not arrive within ${timeoutMs} ms`)), timeoutMs);
      const listener = (payload: { id: string }) => {
        if (payload.id !== id) return;
        clearTimeout(timer);
        socket.off(event, listener);
        resolve();
      };
      socket.on(event, listener);
    });
    const start = performance.now();
    send(id);
    await arrived;
    latencies.push(performance.now() - start);
  }
  return latencies;
}

type Target = "app" | "base";
export type BlockRuns = Record<Target, { p50: number[]; p95: number[] }>;

/**
 * Runs blocks of app and baseline measurements, their order alternating: `blocks` of them, or as
 * long as `blocks(block)` resolves true before each; the p50 and p95 of each.
 */
export async function alternatingBlocks(
  name: string,
  blocks: number | ((block: number) => Promise<boolean>),
  measure: (target: Target, block: number) => Promise<number[]>,
): Promise<BlockRuns> {
  const runs: BlockRuns = { app: { p50: [], p95: [] }, base: { p50: [], p95: [] } };
  const more = typeof blocks === "number" ? async (block: number) => block < blocks : blocks;
  const of = typeof blocks === "number" ? `/${blocks}` : "";
  for (let block = 0; await more(block); block++) {
    const order: Target[] = block % 2 === 0 ? ["app", "base"] : ["base", "app"];
    for (const target of order) {
      const latencies = await measure(target, block);
      runs[target].p50.push(quantile(latencies, 0.5));
      runs[target].p95.push(quantile(latencies, 0.95));
    }
    log(`${name}: block ${block + 1}${of}: app p95 ${runs.app.p95.at(-1)!.toFixed(2)} ms, bare p95 ${runs.base.p95.at(-1)!.toFixed(2)} ms`);
  }
  return runs;
}

/**
 * The p95 and p50 results of a latency figure (medians over the blocks), named "<name> <q>" and
 * the `condition` after a comma if given, with the goal "ratio ≤ 2" on the quantiles named in `goals`.
 */
export function latencyResults(
  name: string,
  runs: BlockRuns,
  baseline: string,
  { goals, details, condition }: { goals: ("p50" | "p95")[]; details: Record<string, unknown>; condition?: string },
): FigureResult[] {
  return (["p95", "p50"] as const).map((q) =>
    result({
      name: condition ? `${name} ${q}, ${condition}` : `${name} ${q}`,
      value: median(runs.app[q]),
      unit: "ms",
      baseline,
      baselineValue: median(runs.base[q]),
      runs: runs.app[q],
      ...(goals.includes(q) ? { goal: `${q} ratio ≤ 2`, met: median(runs.app[q]) / median(runs.base[q]) <= 2 } : {}),
      ...(q === "p95" ? { details: { ...details, baselineRuns: runs.base } } : {}),
    }),
  );
}
