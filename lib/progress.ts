/**
 * Progress publishing: Socket.IO events sent through Redis (any process can emit; the web
 * processes relay to browsers) and the database snapshot a reconnecting browser reads first.
 */
import { Emitter } from "@socket.io/redis-emitter";
import type { Redis } from "ioredis";
import { credentialRoom, ownerRoom, type DocumentProgress, type ServerToClientEvents } from "./events";
import { env } from "./env";
import { createProducerConnection } from "./redis";

/** The Redis channel prefix shared by the emitter and the web processes' adapter. */
export const SOCKET_CHANNEL_KEY = `${env.QUEUE_PREFIX}-socket.io`;

const globalForEmitter = globalThis as unknown as { emitter?: Emitter<ServerToClientEvents>; emitterRedis?: Redis };

function emitter(): Emitter<ServerToClientEvents> {
  if (!globalForEmitter.emitter) {
    globalForEmitter.emitterRedis = createProducerConnection();
    globalForEmitter.emitter = new Emitter<ServerToClientEvents>(globalForEmitter.emitterRedis, { key: SOCKET_CHANNEL_KEY });
  }
  return globalForEmitter.emitter;
}

/** Sends a document's new state to every browser of its owner. */
export function publishProgress(ownerId: string, payload: DocumentProgress): void {
  emitter().to(ownerRoom(ownerId)).emit("document:progress", payload);
}

/** Tells the owner's browsers that a document is gone. */
export function publishDeleted(ownerId: string, id: string): void {
  emitter().to(ownerRoom(ownerId)).emit("document:deleted", { id });
}

/** Closes the live connections opened with a session or token that has just ended, in every web process. */
export function disconnectCredential(credential: string): void {
  emitter().in(credentialRoom(credential)).disconnectSockets(true);
}

/** Closes the emitter's Redis connection (for graceful shutdown). */
export async function closeProgress(): Promise<void> {
  await globalForEmitter.emitterRedis?.quit().catch(() => undefined);
  globalForEmitter.emitter = undefined;
  globalForEmitter.emitterRedis = undefined;
}
