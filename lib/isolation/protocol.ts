/**
 * The messages between a worker process and the child processes it runs untrusted work in:
 * one request at a time, answered by progress reports and then one result or one error.
 */

import { getHeapStatistics } from "node:v8";
import { OwnerFacingError } from "@/lib/errors";

export interface ChildRequest<T> {
  id: number;
  request: T;
}

export type ChildMessage<R> =
  | { id: number; type: "progress"; fraction: number }
  /** `heapUsed`: the child's heap after a full collection, so a parser that holds on to memory is retired. */
  | { id: number; type: "done"; result: R; heapUsed: number }
  /** `owner`: set when the error is written for the document's owner (an OwnerFacingError): its code. */
  | { id: number; type: "error"; message: string; owner: { code: string } | null };

export type Handler<T, R> = (request: T, onProgress: (fraction: number) => void) => Promise<R>;

/** Inside a child entry file: answers the parent's requests with `handler`, one at a time. */
export function serve<T, R>(handler: Handler<T, R>): void {
  if (!process.send) throw new Error("this file runs as a child process started with an IPC channel");
  const send = (message: ChildMessage<R>) => process.send!(message);
  // The parent is gone: nothing left to do for it.
  process.on("disconnect", () => process.exit(0));
  process.on("message", (message: ChildRequest<T>) => {
    const { id, request } = message;
    handler(request, (fraction) => send({ id, type: "progress", fraction })).then(
      (result) => {
        // A full collection (hundreds of ms on a parser's heap, which the document would wait for)
        // runs only when the heap looks over half its limit, to tell garbage from memory really
        // held; otherwise V8 collects as it goes. Started with --expose-gc by the pool.
        if (process.memoryUsage().heapUsed > getHeapStatistics().heap_size_limit / 2) (globalThis as { gc?: () => void }).gc?.();
        send({ id, type: "done", result, heapUsed: process.memoryUsage().heapUsed });
      },
      (error: Error) =>
        error instanceof OwnerFacingError
          ? send({ id, type: "error", message: error.userMessage, owner: { code: error.code } })
          : send({ id, type: "error", message: error?.message ?? String(error), owner: null }),
    );
  });
}
