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
  | { id: number; type: "error"; message: string; owner: { code: string } | null }
  /** An allocation was refused while the request ran (the child's memory limit), whatever the handler made of it. */
  | { id: number; type: "over-limit"; detail: string };

export type Handler<T, R> = (request: T, onProgress: (fraction: number) => void) => Promise<R>;

/** How V8 words an ArrayBuffer it could not get memory for: the child's data limit said no. */
const REFUSED_ALLOCATION = /Array buffer allocation failed/;

/**
 * Notes refused allocations that code recovers from: pdf.js goes on past an error inside a page,
 * warning about it on stderr, and would fail a file over the memory limit as having no text.
 */
function watchRefusedAllocations(): { take(): boolean } {
  let refused = false;
  const write = process.stderr.write.bind(process.stderr) as (chunk: unknown, ...rest: unknown[]) => boolean;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (REFUSED_ALLOCATION.test(String(chunk))) refused = true;
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
  return {
    take() {
      const was = refused;
      refused = false;
      return was;
    },
  };
}

/** True when `error` or one of its causes is a refused allocation. */
function isRefusedAllocation(error: unknown): boolean {
  for (let e = error; e instanceof Error; e = e.cause) if (REFUSED_ALLOCATION.test(e.message)) return true;
  return false;
}

/** Inside a child entry file: answers the parent's requests with `handler`, one at a time. */
export function serve<T, R>(handler: Handler<T, R>): void {
  if (!process.send) throw new Error("this file runs as a child process started with an IPC channel");
  const send = (message: ChildMessage<R>) => process.send!(message);
  // The parent is gone: nothing left to do for it.
  process.on("disconnect", () => process.exit(0));
  const refusals = watchRefusedAllocations();
  process.on("message", (message: ChildRequest<T>) => {
    const { id, request } = message;
    refusals.take();
    handler(request, (fraction) => send({ id, type: "progress", fraction })).then(
      (result) => {
        if (refusals.take()) {
          send({ id, type: "over-limit", detail: "an allocation was refused, and recovered from" });
          return;
        }
        // A full collection (hundreds of ms on a parser's heap, which the document would wait for)
        // runs only when the heap looks over half its limit, to tell garbage from memory really
        // held; otherwise V8 collects as it goes. Started with --expose-gc by the pool.
        if (process.memoryUsage().heapUsed > getHeapStatistics().heap_size_limit / 2) (globalThis as { gc?: () => void }).gc?.();
        send({ id, type: "done", result, heapUsed: process.memoryUsage().heapUsed });
      },
      (error: Error) => {
        if (refusals.take() || isRefusedAllocation(error)) send({ id, type: "over-limit", detail: "an allocation was refused" });
        else if (error instanceof OwnerFacingError) send({ id, type: "error", message: error.userMessage, owner: { code: error.code } });
        else send({ id, type: "error", message: error?.message ?? String(error), owner: null });
      },
    );
  });
}
