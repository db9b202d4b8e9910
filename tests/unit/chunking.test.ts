import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { countTokens, splitIntoChunks } from "@/lib/ai/chunking";
import { fixturePath } from "../fixtures";

const sentence = (i: number) => `Sentence number ${i} says something about topic ${i % 7}, and then it stops.`;
const paragraph = (from: number, count: number) => Array.from({ length: count }, (_, i) => sentence(from + i)).join(" ");

describe("countTokens", () => {
  it("counts BPE tokens, not characters, and reads special-token text as plain text", () => {
    expect(countTokens("hello world")).toBe(2);
    expect(countTokens("<|endoftext|>")).toBeGreaterThan(1);
  });
});

describe("splitIntoChunks", () => {
  it("keeps a short text whole and gives nothing for blank text", () => {
    expect(splitIntoChunks("  A short note.\n", { maxTokens: 100, overlapTokens: 10 })).toEqual([{ text: "A short note.", start: 2, end: 15, tokens: expect.any(Number) }]);
    expect(splitIntoChunks(" \n\n \n", { maxTokens: 100, overlapTokens: 10 })).toEqual([]);
  });

  it("breaks between paragraphs when paragraphs fit", () => {
    const paragraphs = [paragraph(0, 4), paragraph(100, 4), paragraph(200, 4), paragraph(300, 4)];
    const perParagraph = countTokens(paragraphs[0]);
    const chunks = splitIntoChunks(paragraphs.join("\n\n"), { maxTokens: perParagraph * 2 + 10, overlapTokens: 0 });
    expect(chunks.map((chunk) => chunk.text)).toEqual([paragraphs.slice(0, 2).join("\n\n"), paragraphs.slice(2).join("\n\n")]);
  });

  it("cuts an oversized paragraph between sentences, every chunk within the limit", () => {
    const text = paragraph(0, 200);
    const chunks = splitIntoChunks(text, { maxTokens: 120, overlapTokens: 0 });
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks) {
      expect(countTokens(chunk.text)).toBeLessThanOrEqual(120);
      expect(chunk.text).toMatch(/^Sentence number \d+ .*stops\.$/);
    }
    expect(chunks.map((chunk) => chunk.text).join(" ")).toBe(text);
  });

  it("starts each chunk with whole sentences from the end of the one before, within the overlap", () => {
    const chunks = splitIntoChunks(paragraph(0, 100), { maxTokens: 150, overlapTokens: 40 });
    expect(chunks.length).toBeGreaterThan(3);
    for (let i = 1; i < chunks.length; i++) {
      const previous = chunks[i - 1].text;
      const sentences = chunks[i].text.match(/Sentence number \d+[^.]*\./g)!;
      const repeated = sentences.filter((s) => previous.includes(s));
      expect(repeated.length).toBeGreaterThan(0);
      expect(sentences.slice(0, repeated.length)).toEqual(repeated);
      expect(previous.endsWith(repeated.join(" "))).toBe(true);
      expect(countTokens(repeated.join(" "))).toBeLessThanOrEqual(40);
      expect(countTokens(chunks[i].text)).toBeLessThanOrEqual(150);
    }
  });

  it("cuts a run-on text with no sentence end at spaces, within the limit", () => {
    const text = Array.from({ length: 3000 }, (_, i) => `w${i}`).join(" ");
    const chunks = splitIntoChunks(text, { maxTokens: 500, overlapTokens: 50 });
    expect(chunks.length).toBeGreaterThan(3);
    for (const chunk of chunks) {
      expect(countTokens(chunk.text)).toBeLessThanOrEqual(500);
      expect(chunk.text).toMatch(/^w\d+( w\d+)*$/);
    }
    expect(chunks.map((chunk) => chunk.text).join(" ")).toBe(text);
  });

  it("splits a real manual into chunks that cover it in order", async () => {
    const text = await readFile(fixturePath("coreutils-README.txt"), "utf8");
    const chunks = splitIntoChunks(text, { maxTokens: 300, overlapTokens: 30 });
    expect(chunks.length).toBeGreaterThan(3);
    let from = 0;
    for (const chunk of chunks) {
      expect(countTokens(chunk.text)).toBeLessThanOrEqual(300);
      const at = text.indexOf(chunk.text, Math.max(0, from - chunk.text.length));
      expect(at).toBeGreaterThanOrEqual(0);
      from = at + chunk.text.length;
    }
    expect(from).toBeGreaterThan(text.trimEnd().length - 5);
  });
});
