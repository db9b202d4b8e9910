/**
 * Cancelling running jobs across processes: the web process publishes a document's (or a
 * question's) id on a Redis channel, and every worker aborts its running jobs of it (BullMQ
 * passes the abort to the handler through its AbortSignal).
 */
import { REDIS_NAMESPACE, sharedRedis, type RedisClient } from "./redis";

/** A plain (not sharded) channel: Redis Cluster delivers its messages on every node. */
export const CANCEL_CHANNEL = `${REDIS_NAMESPACE}:cancel-document`;

/** Asks every worker to abort the running jobs of a document or a question. */
export async function requestCancel(id: string): Promise<void> {
  await sharedRedis().publish(CANCEL_CHANNEL, id);
}

/** Calls `onCancel` with each document id whose jobs must stop; returns a function that unsubscribes. */
export async function onCancelRequest(subscriber: RedisClient, onCancel: (documentId: string) => void): Promise<() => Promise<void>> {
  await subscriber.subscribe(CANCEL_CHANNEL);
  subscriber.on("message", (channel: string, message: string) => {
    if (channel === CANCEL_CHANNEL) onCancel(message);
  });
  return async () => {
    await subscriber.unsubscribe(CANCEL_CHANNEL).catch(() => undefined);
    subscriber.disconnect();
  };
}
