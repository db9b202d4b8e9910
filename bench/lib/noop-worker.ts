/**
 * Figure 6's worker process: BullMQ Workers with no-op processors on the no-op flow's queues, at
 * the app's concurrency. Prints "ready" once every worker is connected.
 */
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { NOOP_CONCURRENCY, NOOP_QUEUES, type NoopQueue } from "./noop-flow";

const prefix = process.env.BENCH_PREFIX!;
const url = process.env.REDIS_URL!;
const workers = (Object.keys(NOOP_QUEUES) as NoopQueue[]).map((queue) => {
  const worker = new Worker(NOOP_QUEUES[queue], async () => undefined, {
    concurrency: NOOP_CONCURRENCY[queue],
    connection: new Redis(url, { maxRetriesPerRequest: null }),
    prefix,
  });
  worker.on("error", (error) => console.error(`noop worker ${queue}: ${error.message}`));
  return worker;
});
await Promise.all(workers.map((worker) => worker.waitUntilReady()));
console.log("ready");
process.on("SIGTERM", () => void Promise.all(workers.map((worker) => worker.close())).then(() => process.exit(0)));
