/**
 * Figure 6, BullMQ overhead: the app's 4-stage flow with no-op handlers, in documents per second,
 * as the ceiling the pipeline can approach; BullMQ alone (own queue names and prefix, a worker
 * process at the app's concurrency). Baseline: the same four no-op jobs per document added as
 * independent jobs, so the ratio is what the flow (parent/child bookkeeping) costs.
 */
import { FlowProducer, Queue } from "bullmq";
import { Redis } from "ioredis";
import { log, QUICK, result, runFigure } from "./lib/figure";
import { NOOP_QUEUES, noopFlow, noopJobs, type NoopQueue } from "./lib/noop-flow";
import { BENCH_REDIS_URL, startHelper, stopHelper, uniquePrefix } from "./lib/stack";
import { median, since } from "./lib/stats";

const DOCUMENTS = QUICK ? 300 : 1000;
const WARMUP = 100;
const REPETITIONS = QUICK ? 2 : 5;
/** Documents being added at once, like concurrent uploads. */
const PRODUCERS = 20;

const prefix = uniquePrefix("bullmq");
const connection = () => new Redis(BENCH_REDIS_URL, { maxRetriesPerRequest: null });

/** Resolves once the queues hold `count` completed jobs in all (polled every 5 ms). */
async function completions(queues: Queue[], count: number): Promise<void> {
  for (;;) {
    const counts = await Promise.all(queues.map((q) => q.getCompletedCount()));
    if (counts.reduce((a, b) => a + b, 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Runs `add` for ids 0..count-1, `PRODUCERS` at a time. */
async function addAll(count: number, add: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: PRODUCERS }, async () => {
    while (next < count) await add(next++);
  }));
}

runFigure(async () => {
  const worker = await startHelper("noop-worker", "bench/lib/noop-worker.ts", { REDIS_URL: BENCH_REDIS_URL, BENCH_PREFIX: prefix });
  const flows = new FlowProducer({ connection: connection(), prefix });
  const names = Object.keys(NOOP_QUEUES) as NoopQueue[];
  const queues = Object.fromEntries(names.map((q) => [q, new Queue(NOOP_QUEUES[q], { connection: connection(), prefix })])) as Record<NoopQueue, Queue>;
  // Each run starts from empty completed sets, so their sizes count the run's jobs.
  const clean = () => Promise.all(Object.values(queues).map((q) => q.clean(0, 0, "completed")));
  try {
    // Documents per second for `count` documents as flows (done when the roots complete).
    const flowRun = async (tag: string, count: number) => {
      await clean();
      const start = performance.now();
      await addAll(count, (i) => flows.add(noopFlow(`${tag}-${i}`, prefix)));
      await completions([queues.index], count);
      return count / (since(start) / 1000);
    };
    // The same jobs as independent jobs (done when all four of every document completed).
    const plainRun = async (tag: string, count: number) => {
      await clean();
      const start = performance.now();
      await addAll(count, (i) => Promise.all(noopJobs(`${tag}-${i}`).map((job) => queues[job.queue].add(job.name, job.data, job.opts))));
      await completions(Object.values(queues), count * 4);
      return count / (since(start) / 1000);
    };

    await flowRun("warm-flow", WARMUP);
    await plainRun("warm-plain", WARMUP);
    const runs: number[] = [];
    const baselineRuns: number[] = [];
    for (let rep = 0; rep < REPETITIONS; rep++) {
      if (rep % 2 === 0) {
        runs.push(await flowRun(`flow-${rep}`, DOCUMENTS));
        baselineRuns.push(await plainRun(`plain-${rep}`, DOCUMENTS));
      } else {
        baselineRuns.push(await plainRun(`plain-${rep}`, DOCUMENTS));
        runs.push(await flowRun(`flow-${rep}`, DOCUMENTS));
      }
      log(`bullmq: flow ${runs.at(-1)!.toFixed(0)} documents/s, plain jobs ${baselineRuns.at(-1)!.toFixed(0)} documents/s`);
    }
    return [
      result({
        name: "BullMQ no-op 4-stage flow",
        value: median(runs),
        unit: "documents/s",
        baseline: "the same 4 no-op jobs per document as independent jobs (no flow)",
        baselineValue: median(baselineRuns),
        runs,
        details: { documentsPerRun: DOCUMENTS, producers: PRODUCERS, baselineRuns },
      }),
    ];
  } finally {
    await Promise.all([flows.close(), ...Object.values(queues).map((q) => q.obliterate({ force: true }).then(() => q.close()))]);
    await stopHelper(worker.child);
  }
});
