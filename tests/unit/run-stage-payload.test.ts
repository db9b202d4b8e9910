/** A stage job with a malformed payload is refused for good (no retry), with a log line, never a crash. */
import { UnrecoverableError, type Job } from "bullmq";
import { describe, expect, it, vi } from "vitest";
import { logger } from "@/lib/logger";
import { runStage } from "@/worker/run-stage";

function job(name: string, data: unknown): Job {
  return { id: "job-1", name, data, opts: { attempts: 3 }, attemptsMade: 0 } as unknown as Job;
}

describe("runStage payload validation", () => {
  it.each([
    ["no payload", undefined],
    ["a payload that is not an object", "documentId"],
    ["a document id that is not a UUID", { documentId: "../../etc/passwd" }],
    ["a document id of the wrong type", { documentId: 42 }],
  ])("refuses %s with an UnrecoverableError and logs it", async (_label, data) => {
    const log = vi.spyOn(logger, "error").mockImplementation(() => {});
    const error = await runStage(job("extract", data)).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toMatch(/^invalid payload for job job-1: /);
    expect(log).toHaveBeenCalledWith("discarded a job with an invalid payload", expect.objectContaining({ jobId: "job-1" }));
    log.mockRestore();
  });

  it("refuses a job of an unknown stage, including names of Object's own properties", async () => {
    for (const name of ["publish", "constructor", "__proto__"]) {
      const error = await runStage(job(name, { documentId: "0b5e1c4e-8f0e-4d5c-9a51-2f1f3c0f9d11" })).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error, name).toBeInstanceOf(UnrecoverableError);
      expect((error as Error).message).toBe(`unknown stage job "${name}"`);
    }
  });
});
