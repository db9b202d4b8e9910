/**
 * The Socket.IO server: typed events, the Redis adapter (so events emitted by the worker, or by
 * another web process, reach this process's browsers), and owner rooms. A connection must carry a
 * session cookie or an API token (`auth: { token }`), and only ever joins its own owner's room.
 */
import type { Server as HttpServer } from "node:http";
import { createAdapter } from "@socket.io/redis-adapter";
import { Server } from "socket.io";
import { readDraft } from "./ai/summary-draft";
import { authenticateWith, credentialValid, sameOrigin, type CurrentUser } from "./auth";
import { env } from "./env";
import { prisma } from "./db";
import { credentialRoom, ownerRoom, type ClientToServerEvents, type FollowAnswer, type ServerToClientEvents } from "./events";
import { logger } from "./logger";
import { metrics } from "./metrics/registry";
import { idSchema } from "./pipeline/ids";
import { createBlockingConnection, onReconnect } from "./redis";
import { SOCKET_CHANNEL_KEY } from "./socket-emitter";

interface SocketData {
  user: CurrentUser;
  credential: string;
}

export type SocketServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;


/** The state of one of the owner's documents with its summary being written, or "not found" for anything else. */
async function follow(ownerId: string, id: unknown): Promise<FollowAnswer> {
  const parsed = idSchema.safeParse(id);
  if (!parsed.success) return { ok: false, error: "That is not a document id." };
  const document = await prisma.document.findFirst({
    where: { id: parsed.data, ownerId },
    select: { id: true, status: true, stage: true, progress: true, error: true, errorRetryable: true, summary: true },
  });
  if (!document) return { ok: false, error: "Document not found" };
  const { errorRetryable, ...state } = document;
  return { ok: true, document: { ...state, retryable: errorRetryable, summaryDraft: await readDraft(document) } };
}

/** Whether a handshake signs in with the session cookie (no token in the header or in `auth`). */
function byCookie(credentials: { authorization?: string | null; token?: unknown }): boolean {
  return !credentials.authorization && credentials.token === undefined;
}

/**
 * Closes this process's connections whose session or token no longer signs anyone in (expired,
 * revoked, or its person disabled), in case the event that should have closed them was missed.
 */
async function recheckConnections(io: SocketServer): Promise<void> {
  const byCredential = new Map<string, string[]>();
  for (const [id, socket] of io.of("/").sockets) {
    const list = byCredential.get(socket.data.credential) ?? [];
    list.push(id);
    byCredential.set(socket.data.credential, list);
  }
  for (const [credential, ids] of byCredential) {
    const valid = await credentialValid(credential).catch(() => true);
    if (valid) continue;
    for (const id of ids) io.of("/").sockets.get(id)?.disconnect(true);
  }
}

/** Attaches Socket.IO to an HTTP server; returns the server and a close function. */
export function createSocketServer(httpServer: HttpServer): { io: SocketServer; close(): Promise<void> } {
  // The classic adapter (plain PUBLISH/PSUBSCRIBE) also works over a Redis Cluster client.
  const pub = createBlockingConnection();
  const sub = createBlockingConnection();
  const io: SocketServer = new Server(httpServer, { adapter: createAdapter(pub, sub, { key: SOCKET_CHANNEL_KEY }), serveClient: false });
  // While the subscription was down, events for this process's connections were lost: they read their state again.
  onReconnect(sub, () => io.local.emit("events:missed"));
  io.use((socket, next) => {
    const { headers, auth } = socket.handshake;
    const credentials = { cookie: headers.cookie, authorization: headers.authorization, token: (auth as { token?: unknown })?.token };
    // A connection signed in by the cookie must come from this site's own pages: a page of another
    // origin (another port or subdomain of the same site) would otherwise get the victim's events.
    if (byCookie(credentials) && !sameOrigin(headers.origin, headers["x-forwarded-host"] ?? headers.host)) {
      return next(new Error("This connection came from another site."));
    }
    authenticateWith(credentials)
      .then((signedIn) => {
        if (!signedIn) return next(new Error("Sign in, or pass an API token as auth.token."));
        socket.data.user = signedIn.user;
        socket.data.credential = signedIn.credential;
        next();
      })
      .catch((error: Error) => {
        logger.error("socket authentication failed", { error: error.message });
        next(new Error("Authentication is unavailable; try again."));
      });
  });
  io.on("connection", (socket) => {
    const { user, credential } = socket.data;
    metrics().socketConnections.inc();
    socket.once("disconnect", () => metrics().socketConnections.dec());
    // Its owner's events; and closed when its session or token ends (sign-out, revocation).
    void socket.join([ownerRoom(user.id), credentialRoom(credential)]);
    socket.on("document:follow", (id, answer) => {
      if (typeof answer !== "function") return;
      follow(user.id, id)
        .then(answer)
        .catch((error: Error) => {
          logger.error("document:follow failed", { error: error.message });
          answer({ ok: false, error: "Something went wrong on our side. Please try again." });
        });
    });
  });
  const recheck = setInterval(() => void recheckConnections(io), env.SOCKET_RECHECK_MS);
  recheck.unref();
  return {
    io,
    async close() {
      clearInterval(recheck);
      await io.close();
      await Promise.all([pub.quit(), sub.quit()]).catch(() => undefined);
    },
  };
}
