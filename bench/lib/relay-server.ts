/**
 * Figures 3 and 7's baseline, run as its own process: a bare Socket.IO server that relays every
 * message of one Redis channel (BENCH_CHANNEL) to all its clients as one event (BENCH_EVENT,
 * `document:progress` unless named), and every message of `BENCH_CHANNEL#<room>` to the clients
 * that connected with the query `room=<room>` only (as the app's adapter relays an owner's events
 * to the owner's room), with nothing in between. Prints its port on the first line.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Redis } from "ioredis";
import { Server } from "socket.io";

const channel = process.env.BENCH_CHANNEL ?? "bench-relay";
const event = process.env.BENCH_EVENT ?? "document:progress";
const roomChannels = `${channel}#`;
const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false });
const subscriber = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:63790/5");

io.on("connection", (socket) => {
  const { room } = socket.handshake.query;
  if (typeof room === "string") void socket.join(room);
});
await subscriber.subscribe(channel);
await subscriber.psubscribe(`${roomChannels}*`);
subscriber.on("message", (_channel: string, message: string) => {
  io.emit(event, JSON.parse(message));
});
subscriber.on("pmessage", (_pattern: string, roomChannel: string, message: string) => {
  io.to(roomChannel.slice(roomChannels.length)).emit(event, JSON.parse(message));
});
httpServer.listen(0, "127.0.0.1", () => console.log((httpServer.address() as AddressInfo).port));
process.on("SIGTERM", () => {
  void io.close();
  void subscriber.quit().finally(() => process.exit(0));
});
