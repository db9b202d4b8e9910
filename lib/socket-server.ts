/**
 * The Socket.IO server: typed events, the Redis adapter (so events emitted by the worker, or by
 * another web process, reach this process's browsers), and owner rooms.
 */
import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import { Server } from "socket.io";
import { ownerRoom, type ClientToServerEvents, type ServerToClientEvents } from "./events";
import { currentOwnerId } from "./owner";
import { SOCKET_CHANNEL_KEY } from "./progress";
import { createWorkerConnection } from "./redis";

export type SocketServer = Server<ClientToServerEvents, ServerToClientEvents>;

/** Attaches Socket.IO to an HTTP server; returns the server and a close function. */
export function createSocketServer(httpServer: HttpServer): { io: SocketServer; close(): Promise<void> } {
  const pub = createWorkerConnection();
  const sub = pub.duplicate();
  const io: SocketServer = new Server(httpServer, { adapter: createAdapter(pub, sub, { key: SOCKET_CHANNEL_KEY }), serveClient: false });
  io.on("connection", (socket) => {
    void socket.join(ownerRoom(currentOwnerId()));
  });
  return {
    io,
    async close() {
      await io.close();
      await Promise.all([pub.quit(), sub.quit()]).catch(() => undefined);
    },
  };
}
