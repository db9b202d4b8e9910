/** The logger's lines: JSON with the context's ids, secrets and document text redacted, Prisma's argument dumps left out. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { addLogContext, loggableError, logger, withLogContext } from "@/lib/logger";

/** The JSON lines the logger writes (to stdout, and warnings and errors to stderr) while `fn` runs. */
function linesOf(fn: () => void): Record<string, unknown>[] {
  return textOf(fn).split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** What the logger writes while `fn` runs. */
function textOf(fn: () => void): string {
  const written: string[] = [];
  const capture = (chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  };
  const spies = [vi.spyOn(process.stdout, "write").mockImplementation(capture), vi.spyOn(process.stderr, "write").mockImplementation(capture)];
  try {
    fn();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return written.join("");
}

afterEach(() => vi.restoreAllMocks());

describe("logger", () => {
  it("writes one JSON line with the message and the fields, and the ids of the request or job it runs in", () => {
    const lines = linesOf(() =>
      withLogContext({ requestId: "r-1", documentId: "d-1" }, () => {
        logger.info("first", { size: 3 });
        addLogContext({ ownerId: "o-1" });
        withLogContext({ jobId: "d-1-extract", stage: "extract" }, () => logger.info("second"));
      }),
    );
    expect(lines[0]).toMatchObject({ level: "info", message: "first", size: 3, requestId: "r-1", documentId: "d-1" });
    expect(lines[0]).not.toHaveProperty("ownerId");
    expect(lines[1]).toMatchObject({ message: "second", requestId: "r-1", documentId: "d-1", ownerId: "o-1", jobId: "d-1-extract", stage: "extract" });
    expect(typeof lines[0].time).toBe("string");
  });

  it("writes each field once, though a call site names an id its context has too", () => {
    const text = textOf(() =>
      withLogContext({ requestId: "r-1" }, () =>
        withLogContext({ jobId: "j-1", documentId: "d-1" }, () => {
          addLogContext({ ownerId: "o-1" });
          addLogContext({ ownerId: "o-1" });
          logger.warn("stage failed", { jobId: "j-1", documentId: "d-1", attempt: 2 });
        }),
      ),
    );
    for (const key of ["requestId", "jobId", "documentId", "ownerId", "attempt", "message"]) expect(text.split(`"${key}":`).length - 1, key).toBe(1);
    expect(JSON.parse(text)).toMatchObject({ requestId: "r-1", jobId: "j-1", documentId: "d-1", ownerId: "o-1", attempt: 2, level: "warn" });
  });

  it("redacts secret fields and document text, at the top and one level down", () => {
    const [line] = linesOf(() =>
      logger.info("with secrets", { password: "hunter2hunter2", token: "tok-123456", headers: { authorization: "Bearer abcdef", cookie: "docsum_session=xyz" }, text: "The document's own words." }),
    );
    const raw = JSON.stringify(line);
    for (const secret of ["hunter2hunter2", "tok-123456", "Bearer abcdef", "docsum_session=xyz", "The document's own words."]) expect(raw).not.toContain(secret);
    expect(line).toMatchObject({ password: "[redacted]", token: "[redacted]", headers: { authorization: "[redacted]", cookie: "[redacted]" }, text: "[redacted]" });
  });

  it("keeps what was called and why from Prisma's invocation errors, not the arguments", () => {
    const message = [
      "PrismaClientValidationError: ",
      "Invalid `prisma.document.update()` invocation in",
      "/app/lib/pipeline/transitions.ts:84:6",
      "",
      "→ 84 .update({ where: { id: \"d-1\" }, data: { extractedText: \"The document's own words.\" } })",
      "",
      "Unknown argument `extractedTxt`. Did you mean `extractedText`?",
      "    at Object.update (/app/node_modules/client.js:1:1)",
    ].join("\n");
    const kept = loggableError(message);
    expect(kept).not.toContain("The document's own words.");
    expect(kept).toContain("Invalid `prisma.document.update()` invocation in");
    expect(kept).toContain("Unknown argument `extractedTxt`");
    expect(kept).toContain("at Object.update");
    expect(loggableError("x".repeat(5_000)).length).toBeLessThan(2_100);
    const [line] = linesOf(() => logger.error("request failed", { error: message }));
    expect(line).toMatchObject({ level: "error", message: "request failed" });
    expect(JSON.stringify(line)).not.toContain("The document's own words.");
  });
});
