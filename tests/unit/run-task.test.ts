/** Tasks in the worker: a kind with its own concurrency waits in the delayed set once it has all its slots, and a 429 pauses the queue. */
import { DelayedError, type Job } from "bullmq";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { AiRateLimitedError } from "@/lib/ai/errors";

const handled = vi.hoisted(() => ({ release: [] as (() => void)[], fail: null as Error | null }));

vi.mock("@/jobs/registry", () => ({
  STAGE_HANDLERS: {},
  TASK_HANDLERS: {
    question: {
      handle: () => {
        if (handled.fail) return Promise.reject(handled.fail);
        return new Promise<string>((resolve) => handled.release.push(() => resolve("answered")));
      },
    },
  },
}));

const { TASK_CONCURRENCY } = await import("@/worker/config");
const { runJob } = await import("@/worker/run-job");

function questionJob(n: number) {
  const moveToDelayed = vi.fn(async () => {});
  const job = { id: `question-${n}`, name: "question", data: { questionId: "0b5e1c4e-8f0e-4d5c-9a51-2f1f3c0f9d11" }, opts: { attempts: 3 }, attemptsMade: 0, moveToDelayed };
  return { job: job as unknown as Job, moveToDelayed };
}

const signal = new AbortController().signal;

beforeEach(() => {
  handled.release.length = 0;
  handled.fail = null;
});

describe("a task with its own concurrency", () => {
  it("takes at most its slots in one process; the next waits in the delayed set until one frees", async () => {
    const limit = TASK_CONCURRENCY.question!;
    const running = Array.from({ length: limit }, (_, i) => runJob("ai", questionJob(i).job, signal, undefined, "token"));
    await vi.waitFor(() => expect(handled.release).toHaveLength(limit));
    const extra = questionJob(limit);
    await expect(runJob("ai", extra.job, signal, undefined, "token")).rejects.toBeInstanceOf(DelayedError);
    expect(extra.moveToDelayed).toHaveBeenCalledWith(expect.any(Number), "token");

    handled.release.shift()!();
    await running[0];
    const next = questionJob(limit + 1);
    const admitted = runJob("ai", next.job, signal, undefined, "token");
    await vi.waitFor(() => expect(handled.release).toHaveLength(limit));
    expect(next.moveToDelayed).not.toHaveBeenCalled();
    for (const release of handled.release.splice(0)) release();
    await expect(Promise.all([...running.slice(1), admitted])).resolves.toEqual(Array(limit).fill("answered"));
  });

  it("pauses the queue on a 429 and puts the job back without using an attempt", async () => {
    handled.fail = new AiRateLimitedError("chat.completions HTTP 429", 1500);
    const worker = { rateLimit: vi.fn(async () => {}) };
    const error = await runJob("ai", questionJob(1).job, signal, worker, "token").catch((reason: unknown) => reason);
    expect(worker.rateLimit).toHaveBeenCalledWith(1500);
    expect((error as Error).name).toBe("RateLimitError");
  });
});
