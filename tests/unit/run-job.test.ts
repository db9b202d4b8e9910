/** A job the job table does not know, on a queue not its own, or with a malformed payload is refused for good (no retry), with a log line, never a crash. */
import { UnrecoverableError, type Job } from "bullmq";
import { describe, expect, it, vi } from "vitest";
import { logger } from "@/lib/logger";
import { runJob } from "@/worker/run-job";

function job(name: string, data: unknown): Job {
  return { id: "job-1", name, data, opts: { attempts: 3 }, attemptsMade: 0 } as unknown as Job;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );

describe("runJob validation", () => {
  it.each([
    ["no payload", undefined],
    ["a payload that is not an object", "documentId"],
    ["a document id that is not a UUID", { documentId: "../../etc/passwd" }],
    ["a document id of the wrong type", { documentId: 42 }],
  ])("refuses %s with an UnrecoverableError and logs it", async (_label, data) => {
    const log = vi.spyOn(logger, "error").mockImplementation(() => {});
    const error = await failure(runJob("ingest", job("extract", data)));
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toMatch(/^invalid payload for job job-1: /);
    expect(log).toHaveBeenCalledWith("discarded a job with an invalid payload", expect.objectContaining({ jobId: "job-1" }));
    log.mockRestore();
  });

  it("refuses a job the table does not know, including names of Object's own properties", async () => {
    for (const name of ["publish", "constructor", "__proto__"]) {
      const error = await failure(runJob("ingest", job(name, { documentId: "0b5e1c4e-8f0e-4d5c-9a51-2f1f3c0f9d11" })));
      expect(error, name).toBeInstanceOf(UnrecoverableError);
      expect((error as Error).message).toBe(`unknown job "${name}" on queue ingest`);
    }
  });

  it("refuses a known job on a queue that is not its own", async () => {
    const error = await failure(runJob("ai", job("extract", { documentId: "0b5e1c4e-8f0e-4d5c-9a51-2f1f3c0f9d11" })));
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toBe('unknown job "extract" on queue ai');
  });
});
