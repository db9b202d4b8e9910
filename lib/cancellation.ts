/**
 * Cancelling running jobs across processes: the web process publishes a document id on a Redis
 * channel, and every worker aborts its running jobs of that document (BullMQ passes the abort
 * to the handler through its AbortSignal).
 */
import type { Redis } from "ioredis";
import { env } from "./env";
import { sharedRedis } from "./redis";

export const CANCEL_CHANNEL = `${env.QUEUE_PREFIX}:cancel-document`;

/** Asks every worker to abort the running jobs of a document. */
export async function requestCancel(documentId: string): Promise<void> {
  await sharedRedis().publish(CANCEL_CHANNEL, documentId);
}

/** Calls `onCancel` with each document id whose jobs must stop; returns a function that unsubscribes. */
export async function onCancelRequest(subscriber: Redis, onCancel: (documentId: string) => void): Promise<() => Promise<void>> {
  await subscriber.subscribe(CANCEL_CHANNEL);
  subscriber.on("message", (channel: string, message: string) => {
    if (channel === CANCEL_CHANNEL) onCancel(message);
  });
  return async () => {
    await subscriber.unsubscribe(CANCEL_CHANNEL).catch(() => undefined);
    subscriber.disconnect();
  };
}
