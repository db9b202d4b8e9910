import { describe, expect, it } from "vitest";
import { firstLine, isUpdatingSummary, nextDraft } from "@/app/_components/live-summary";

describe("the summary a page shows", () => {
  it("marks the last summary as being updated only while the run under way has yet to write a new one", () => {
    expect(isUpdatingSummary({ status: "queued", stage: "extract" })).toBe(true);
    expect(isUpdatingSummary({ status: "processing", stage: "summarize" })).toBe(true);
    // The new summary is stored once the stage is past summarize; a stopped run replaces nothing.
    expect(isUpdatingSummary({ status: "processing", stage: "embed" })).toBe(false);
    expect(isUpdatingSummary({ status: "cancelled", stage: "summarize" })).toBe(false);
    expect(isUpdatingSummary({ status: "done", stage: "similar" })).toBe(false);
  });

  it("never shortens a draft for an older copy, but starts again after a retry", () => {
    expect(nextDraft({ text: "The plan has" }, { text: "The plan" })).toEqual({ text: "The plan has" });
    expect(nextDraft({ text: "The plan" }, { text: "The plan has" })).toEqual({ text: "The plan has" });
    expect(nextDraft({ text: "The plan has" }, { text: "", retrying: true })).toEqual({ text: "", retrying: true });
    expect(nextDraft({ text: "", retrying: true }, { text: "A" })).toEqual({ text: "A" });
    // Another text altogether (a new run) replaces it.
    expect(nextDraft({ text: "The plan has" }, { text: "Minutes" })).toEqual({ text: "Minutes" });
  });

  it("shows a draft's first line in the list, or that it is retrying", () => {
    expect(firstLine({ text: "First line.\nSecond line." })).toBe("First line.");
    expect(firstLine({ text: "", retrying: true })).toBe("Retrying…");
  });
});
