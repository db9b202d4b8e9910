/** Long CPU work (counting statistics, re-embedding, building a graph) in steps, so the process's other jobs and lock renewals run between them. */

/** Lets timers and I/O callbacks run before the next piece of CPU work. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
