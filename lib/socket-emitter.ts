/**
 * The Socket.IO emitter over Redis: any process (worker, web, script) sends events through it,
 * and the web processes' adapter relays them to the browsers in the named rooms.
 */
import { Emitter } from "@socket.io/redis-emitter";
import { closeOnExit } from "./connections";
import { credentialRoom, ownerRoom, type DocumentProgress, type DocumentSummaryEvent, type QuestionAnswerEvent, type ServerToClientEvents } from "./events";
import { logger } from "./logger";
import { createFailFastConnection, onReconnect, REDIS_NAMESPACE, type RedisClient } from "./redis";

/** The Redis channel prefix shared by the emitter and the web processes' adapter (plain channels: every cluster node relays them). */
export const SOCKET_CHANNEL_KEY = `${REDIS_NAMESPACE}-socket.io`;

const cache = globalThis as unknown as { emitter?: Emitter<ServerToClientEvents> };

/**
 * What the emitter publishes through (it only ever calls `publish`, and never waits for it): a
 * refused publish (Redis away) is caught, since nothing else would catch it and the process would
 * end on it, and the next publish that goes through is followed by `lost()`.
 */
export function eventPublisher(redis: Pick<RedisClient, "publish">, lost: () => void): Pick<RedisClient, "publish"> {
  let failing = false;
  return {
    publish: ((channel: string, message: string) =>
      redis.publish(channel, message).then(
        (receivers) => {
          if (failing) {
            failing = false;
            lost();
          }
          return receivers;
        },
        (error: Error) => {
          if (!failing) logger.warn("socket events are not being published", { error: error.message });
          failing = true;
          return 0;
        },
      )) as RedisClient["publish"],
  };
}

function emitter(): Emitter<ServerToClientEvents> {
  if (!cache.emitter) {
    const redis = createFailFastConnection();
    // Events sent while Redis was away are lost: once it is back, every browser reads its state again.
    const missed = () => emitter.emit("events:missed");
    const emitter = new Emitter<ServerToClientEvents>(eventPublisher(redis, missed), { key: SOCKET_CHANNEL_KEY });
    cache.emitter = emitter;
    onReconnect(redis, missed);
    closeOnExit("socket emitter", async () => {
      cache.emitter = undefined;
      await redis.quit().catch(() => redis.disconnect());
    });
  }
  return cache.emitter;
}

/** Sends a document's new state to every browser of its owner. */
export function emitProgress(ownerId: string, payload: DocumentProgress): void {
  emitter().to(ownerRoom(ownerId)).emit("document:progress", payload);
}

/** Sends a document's summary as written so far (or, with `done`, its final text) to every browser of its owner. */
export function emitSummary(ownerId: string, payload: DocumentSummaryEvent): void {
  emitter().to(ownerRoom(ownerId)).emit("document:summary", payload);
}

/** Sends a question's answer as written so far (or, with `done`, its end) to every browser of its owner. */
export function emitAnswer(ownerId: string, payload: QuestionAnswerEvent): void {
  emitter().to(ownerRoom(ownerId)).emit("question:answer", payload);
}

/** Tells the owner's browsers that a document is gone. */
export function emitDeleted(ownerId: string, id: string): void {
  emitter().to(ownerRoom(ownerId)).emit("document:deleted", { id });
}

/** Closes the live connections opened with a session or token that has just ended, in every web process. */
export function disconnectCredential(credential: string): void {
  emitter().in(credentialRoom(credential)).disconnectSockets(true);
}
