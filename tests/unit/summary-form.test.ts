import { describe, expect, it } from "vitest";
import { formatSummary, parseSummary, toSummaryForm } from "@/lib/summary-form";

describe("the summary's form", () => {
  it("is a description paragraph, a blank line, then a key point a line after '• '", () => {
    const text = formatSummary({ description: "bzip2 compresses files.", keyPoints: ["It is free.", "It is fast."] });
    expect(text).toBe("bzip2 compresses files.\n\n• It is free.\n• It is fast.");
    expect(parseSummary(text)).toEqual({ description: "bzip2 compresses files.", keyPoints: ["It is free.", "It is fast."] });
    expect(formatSummary({ description: "Only this.", keyPoints: [] })).toBe("Only this.");
  });

  it("reads a summary written before this form, or a model's prose, as its description", () => {
    expect(parseSummary("One sentence. Another one.\n\nA second paragraph.")).toEqual({
      description: "One sentence. Another one.\n\nA second paragraph.",
      keyPoints: [],
    });
  });

  it("takes a model's list marks and wrapped items for key points, in the summary's form", () => {
    const answer = "The guide explains the harbour.\n- Ships arrive on Tuesdays\n  and leave on Fridays.\n* The crane is repaired.\n\n2. Pilots board every ship.";
    expect(toSummaryForm(answer)).toBe(
      "The guide explains the harbour.\n\n• Ships arrive on Tuesdays and leave on Fridays.\n• The crane is repaired.\n• Pilots board every ship.",
    );
  });
});
