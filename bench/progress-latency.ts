/**
 * Figure 3, progress latency: from the worker's progress report (the app's `emitProgress`,
 * which the worker calls: Socket.IO emitter → Redis → the web process's Redis adapter → room) to
 * a socket.io-client receiving it; p50 and p95 over 1,000 events, one at a time. Baseline: a raw
 * Redis PUBLISH relayed by a bare Socket.IO server (own process) to the same kind of client.
 * Then at scale: the same events through one of 1,000 sockets of 20 owners (50 each) while the
 * worker processes 200 documents of theirs, whose own events reach those sockets; baseline: the
 * relay with 1,000 sockets in 20 rooms, carrying a copy of those events as they arrive.
 */
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import type { DocumentProgress } from "@/lib/events";
import { api, createAccount, upload } from "../tests/integration/client";
import { BackgroundEvents } from "./lib/background-events";
import { fixturePdfs, readParts, statusCounts } from "./lib/documents";
import { QUICK, runFigure, type FigureResult } from "./lib/figure";
import { alternatingBlocks, connect, latencyResults, pingPong, type Client } from "./lib/latency";
import { uniqueCopy } from "./lib/pdf";
import { BENCH_REDIS_URL, startBenchStack, startHelper, stopHelper, uniquePrefix, type BenchStack } from "./lib/stack";
import { since } from "./lib/stats";

const EVENTS = 1000;
const WARMUP = 100;
const BLOCKS = QUICK ? 2 : 5;
const TIMEOUT_MS = 5_000;
const FIRST_DONE_TIMEOUT_MS = 120_000;

/** At scale: the 20 owners with 50 sockets and 10 documents each (quick: 10 owners, 20 sockets, 4 documents). */
const OWNERS = QUICK ? 10 : 20;
const SOCKETS_PER_OWNER = QUICK ? 20 : 50;
const DOCUMENTS_PER_OWNER = QUICK ? 4 : 10;
const SCALE_BLOCK_EVENTS = QUICK ? 50 : 100;
/** Pairs of blocks go on until every document is final (at least this many, for at most SCALE_LIMIT_MS)... */
const SCALE_MIN_BLOCKS = 2;
const SCALE_LIMIT_MS = (QUICK ? 90 : 360) * 1000;
/** ...with a pause after each pair, so that they spread over the documents' processing. */
const PAUSE_MS = 1_000;
/** The probes' ids start with this; the documents' are UUIDs. */
const PROBE = "probe-";

type Emit = (ownerId: string, payload: DocumentProgress) => void;
type Target = { socket: Client; send: (id: string) => void };
/** A block's duration and the documents' events each path carried meanwhile. */
type Block = { ms: number; events: number };

const progress = (id: string): DocumentProgress => ({ id, status: "processing", stage: "extract", progress: 10, error: null });

runFigure(async () => {
  // The production pace of the live connections' credential check (the harness's is a test one).
  const stack = await startBenchStack("progress", { SOCKET_RECHECK_MS: "60000" });
  const channel = uniquePrefix("relay");
  const relay = await startHelper("relay", "bench/lib/relay-server.ts", { REDIS_URL: BENCH_REDIS_URL, BENCH_CHANNEL: channel });
  const relayURL = `http://127.0.0.1:${relay.line}`;
  // The app's own progress module, pointed at this stack's Redis and prefix (it reads them on import).
  Object.assign(process.env, { REDIS_URL: stack.env.REDIS_URL, QUEUE_PREFIX: stack.env.QUEUE_PREFIX, DATABASE_URL: stack.env.DATABASE_URL });
  const { emitProgress } = await import("@/lib/socket-emitter");
  const { closeAll } = await import("@/lib/connections");
  const me = (await (await api(stack.baseURL, "/api/auth/me")).json()) as { user: { id: string } };
  const publisher = new Redis(BENCH_REDIS_URL);
  const appSocket = await connect(stack.baseURL, stack.admin!.token);
  const relaySocket = await connect(relayURL);
  try {
    const app = { socket: appSocket, send: (id: string) => emitProgress(me.user.id, progress(id)) };
    const base = { socket: relaySocket, send: (id: string) => void publisher.publish(channel, JSON.stringify(progress(id))) };

    const events = (target: Target, tag: string, count: number) => pingPong(target.socket, "document:progress", target.send, tag, count, TIMEOUT_MS);
    await events(app, "warm-app", WARMUP);
    await events(base, "warm-base", WARMUP);
    const perBlock = EVENTS / BLOCKS;
    const runs = await alternatingBlocks("progress", BLOCKS, (target, block) => events(target === "app" ? app : base, `${target}-${block}`, perBlock));
    const baseline = "raw Redis PUBLISH relayed by a bare Socket.IO server (own process)";
    const oneAtATime = latencyResults("progress latency", runs, baseline, { goals: ["p95"], details: { events: EVENTS, blocks: BLOCKS } });
    return [...oneAtATime, ...(await atScale({ stack, relayURL, channel, publisher, emit: emitProgress }))];
  } finally {
    appSocket.close();
    relaySocket.close();
    await publisher.quit();
    await closeAll();
    await stopHelper(relay.child);
    await stack.stop();
  }
});

/**
 * The same probes at scale: through the last socket to join the first owner's room (and the
 * relay's first room), while the owners' documents are processed and their events reach every
 * socket of their owner (and a copy of them every socket of the relay's room of that owner).
 */
async function atScale({ stack, relayURL, channel, publisher, emit }: { stack: BenchStack; relayURL: string; channel: string; publisher: Redis; emit: Emit }): Promise<FigureResult[]> {
  const owners = await Promise.all(Array.from({ length: OWNERS }, (_, o) => createAccount(stack.baseURL, `owner-${o}@example.com`)));
  // What to close at the end, in the reverse order of opening.
  const closers: (() => unknown)[] = [];
  try {
    // All but one socket of each owner and room in crowd processes; the last, connected after them, in this one.
    const crowd = async (name: string, url: string, groups: { token?: string; room?: string }[]) => {
      const groupSizes = groups.map((group) => ({ ...group, sockets: SOCKETS_PER_OWNER - 1 }));
      const { child } = await startHelper(name, "bench/lib/socket-crowd.ts", { BENCH_CROWD: JSON.stringify({ url, groups: groupSizes }) });
      closers.push(() => stopHelper(child));
    };
    await crowd("crowd-app", stack.baseURL, owners.map(({ token }) => ({ token })));
    await crowd("crowd-relay", relayURL, owners.map((_, o) => ({ room: String(o) })));
    const ownSockets = async (connectOne: (o: number) => Promise<Client>) => {
      const own: Client[] = [];
      for (let o = 0; o < OWNERS; o++) own.push(await connectOne(o));
      closers.push(() => own.forEach((socket) => socket.close()));
      return own;
    };
    const appSockets = await ownSockets((o) => connect(stack.baseURL, owners[o].token));
    const relaySockets = await ownSockets((o) => connect(relayURL, undefined, { room: String(o) }));

    // The documents' events go on during both paths' blocks (the worker cannot wait), and so do their copies to the relay.
    const documents = new BackgroundEvents(appSockets, PROBE, { redisUrl: BENCH_REDIS_URL, channel });
    closers.push(() => documents.close());
    const ids = await uploadForOwners(stack.baseURL, owners.map(({ token }) => token));
    // The blocks begin once a document is done: the worker is in its stride by then, past starting its parser processes.
    await documents.whenFinished(1, FIRST_DONE_TIMEOUT_MS);
    const app: Target = { socket: appSockets[0], send: (id) => emit(owners[0].id, progress(id)) };
    const base: Target = { socket: relaySockets[0], send: (id) => void publisher.publish(`${channel}#0`, JSON.stringify(progress(id))) };
    const blocks: Record<"app" | "base", Block[]> = { app: [], base: [] };
    /** One block of probes, noting how long it took and how many of the documents' events came meanwhile. */
    const measure = async (target: "app" | "base", tag: string, count: number) => {
      const [began, before] = [performance.now(), documents.total];
      const { socket, send } = target === "app" ? app : base;
      const latencies = await pingPong(socket, "document:progress", send, `${PROBE}${tag}`, count, TIMEOUT_MS);
      blocks[target].push({ ms: since(began), events: documents.total - before });
      return latencies;
    };

    await measure("app", "warm-app", WARMUP);
    await measure("base", "warm-base", WARMUP);
    const start = performance.now();
    const finishedBefore = documents.finished(ids);
    const more = async (block: number) => {
      if (block > 0) await sleep(PAUSE_MS);
      return block < SCALE_MIN_BLOCKS || (documents.finished(ids) < ids.length && since(start) < SCALE_LIMIT_MS);
    };
    const runs = await alternatingBlocks("progress at scale", more, (target, block) => measure(target, `${target}-${block}`, SCALE_BLOCK_EVENTS));
    const measuredMs = since(start);
    const finishedAtEnd = documents.finished(ids);

    // The measured blocks, without the warm-up's.
    const measured = { app: blocks.app.slice(1), base: blocks.base.slice(1) };
    const seconds = (list: Block[]) => list.reduce((sum, block) => sum + block.ms, 0) / 1000;
    const perSecond = (list: Block[]) => list.reduce((sum, block) => sum + block.events, 0) / seconds(list);
    const probesPerSecond = (list: Block[]) => (list.length * SCALE_BLOCK_EVENTS) / seconds(list);
    const sockets = OWNERS * SOCKETS_PER_OWNER;
    const baseline = `raw Redis PUBLISH relayed by a bare Socket.IO server (own process) to ${sockets.toLocaleString("en-US")} sockets in ${OWNERS} rooms, carrying a copy of the documents' events`;
    return latencyResults("progress latency", runs, baseline, {
      goals: ["p95"],
      condition: `${sockets.toLocaleString("en-US")} sockets / ${OWNERS} owners`,
      details: {
        ...(QUICK ? { quick: "smaller than the issue's 1,000 sockets over 20 owners and 200 documents" } : {}),
        sockets,
        owners: OWNERS,
        socketsPerOwner: SOCKETS_PER_OWNER,
        documents: ids.length,
        documentsProcessedDuringMeasurement: finishedAtEnd - finishedBefore,
        documentsFinishedBeforeMeasurement: finishedBefore,
        documentsUnfinishedAtEnd: ids.length - finishedAtEnd,
        documentsByStatusAtEnd: await statusCounts(),
        measurementSeconds: measuredMs / 1000,
        blocks: runs.app.p50.length,
        eventsPerBlock: SCALE_BLOCK_EVENTS,
        // The documents' events one socket per owner received (all owners together), each also copied to the relay: during the app blocks, and during the relay's.
        backgroundEventsPerSecond: perSecond(measured.app),
        backgroundEventsPerSecondInRelayBlocks: perSecond(measured.base),
        probesPerSecond: { app: probesPerSecond(measured.app), base: probesPerSecond(measured.base) },
      },
    });
  } finally {
    for (const close of closers.reverse()) await close();
  }
}

/** Uploads DOCUMENTS_PER_OWNER fixture PDFs for each owner (unique copies, the owners taking the fixtures in turn), all owners at once; the documents' ids. */
async function uploadForOwners(baseURL: string, tokens: string[]): Promise<string[]> {
  const fixtures = await readParts(await fixturePdfs());
  const answers = await Promise.all(
    tokens.map((token, o) => {
      const files = Array.from({ length: DOCUMENTS_PER_OWNER }, (_, k) => {
        const fixture = fixtures[(o * DOCUMENTS_PER_OWNER + k) % fixtures.length];
        return { name: fixture.name, data: uniqueCopy(fixture.data, `owner-${o}-${k}`), type: "application/pdf" };
      });
      return upload(baseURL, files, token);
    }),
  );
  const refused = answers.find((answer) => answer.status !== 202 || (answer.body.rejected ?? []).length > 0);
  if (refused) throw new Error(`an upload answered ${refused.status}: ${JSON.stringify(refused.body)}`);
  return answers.flatMap((answer) => answer.body.documents!.map((document) => document.id));
}
