import { beforeAll, describe, expect, it } from "vitest";
import { LOCAL_EMBEDDING_DIMENSIONS, LocalProvider } from "@/lib/ai/local";
import { learnProjection } from "@/lib/similarity/projection";
import { documentTerms } from "@/lib/similarity/terms";
import { hashedSparse, RESIDUAL_DIMENSIONS, sharedWeights, StatisticsCounter, termWeights, type LibraryStatistics } from "@/lib/similarity/weighting";
import { meanVector, VectorShapeError } from "@/lib/ai/vector";
import { cosineSimilarity } from "../vector-math";
import { extractText } from "@/lib/parsing";
import { fixturePath } from "../fixtures";

const LATEX_GRAPHICS = ["color", "graphics", "graphicx", "grfguide", "epsfig", "keyval", "lscape", "rotating", "trig", "drivers"].map((name) => `${name}.pdf`);
const OTHERS = ["bzip2-manual.pdf", "apt-README.md", "coreutils-README.txt"];
const MIME: Record<string, string> = { pdf: "application/pdf", md: "text/markdown", txt: "text/plain" };

const provider = new LocalProvider();
const texts = new Map<string, string>();

beforeAll(async () => {
  for (const name of [...LATEX_GRAPHICS, ...OTHERS]) {
    texts.set(name, (await extractText(fixturePath(name), MIME[name.split(".").pop()!])).text);
  }
}, 60_000);

const flat = (text: string) => text.replace(/\s+/g, " ");
const sentencesOf = (summary: string) =>
  Array.from(new Intl.Segmenter(undefined, { granularity: "sentence" }).segment(summary), ({ segment }) => segment.trim());

describe("LocalProvider.summarize", () => {
  it("picks sentences of the manual, in the manual's order, within the length budget", async () => {
    const manual = flat(texts.get("bzip2-manual.pdf")!);
    const summary = await provider.summarize(texts.get("bzip2-manual.pdf")!);
    const sentences = sentencesOf(summary);
    expect(sentences.length).toBeGreaterThanOrEqual(3);
    expect(sentences.length).toBeLessThanOrEqual(5);
    expect(summary.length).toBeLessThanOrEqual(900);
    const positions = sentences.map((sentence) => manual.indexOf(sentence));
    expect(positions.every((position) => position >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(summary).toContain("bzip2 compresses files using the Burrows-Wheeler block-sorting text compression algorithm, and Huffman coding.");
  });

  it("leaves out code, tables of contents and page furniture", async () => {
    const summary = await provider.summarize(texts.get("graphicx.pdf")!);
    expect(summary).not.toMatch(/\\def|\\define@key|\. \. \./);
    expect(sentencesOf(summary).every((sentence) => /[.!?]["'”’)]*$/.test(sentence))).toBe(true);
  });

  it("is deterministic and honours maxSentences", async () => {
    const text = texts.get("grfguide.pdf")!;
    expect(await provider.summarize(text)).toBe(await new LocalProvider().summarize(text));
    expect(sentencesOf(await provider.summarize(text, { maxSentences: 2 })).length).toBeLessThanOrEqual(2);
  });

  it("reports progress up to completion", async () => {
    const progress: number[] = [];
    await provider.summarize(texts.get("keyval.pdf")!, { onProgress: (fraction) => void progress.push(fraction) });
    expect(progress.length).toBeGreaterThan(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(1);
  });

  it("falls back to the opening words when no sentence qualifies", async () => {
    const listing = Array.from({ length: 400 }, (_, i) => `entry-${i} 0x${i.toString(16)}`).join("\n");
    const summary = await provider.summarize(listing);
    expect(summary.startsWith("entry-0 0x0 entry-1 0x1")).toBe(true);
    expect(summary.endsWith("…")).toBe(true);
    expect(summary.length).toBeLessThanOrEqual(901);
  });

  it("stops with the signal's reason when aborted", async () => {
    const reason = new Error("stop");
    await expect(provider.summarize(texts.get("trig.pdf")!, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });
});

/** The statistics and projection the statistics job would count from a library of these texts. */
function libraryStatistics(all: string[]): LibraryStatistics {
  const counter = new StatisticsCounter();
  const terms = all.map(documentTerms);
  terms.forEach((t) => counter.add(t));
  const counted = counter.result(1);
  return { ...counted, projection: learnProjection(terms.map((t) => hashedSparse(sharedWeights(termWeights(t, counted), counted))), LOCAL_EMBEDDING_DIMENSIONS - RESIDUAL_DIMENSIONS) };
}

describe("LocalProvider.embed", () => {
  let statistics: LibraryStatistics;
  beforeAll(() => {
    statistics = libraryStatistics([...texts.values()]);
  });

  it("names its model by the statistics version, so vectors of two versions are never compared", () => {
    expect(provider.embeddingModel).toBe(`local-hashed-${LOCAL_EMBEDDING_DIMENSIONS}@0`);
    expect(provider.embeddingModelFor(statistics)).toBe(`local-lsa-${LOCAL_EMBEDDING_DIMENSIONS}@1`);
  });

  it("returns one deterministic unit vector per text", async () => {
    const input = [texts.get("trig.pdf")!, texts.get("apt-README.md")!];
    const [first, second] = await provider.embed(input);
    expect(first).toHaveLength(LOCAL_EMBEDDING_DIMENSIONS);
    expect(Math.hypot(...first)).toBeCloseTo(1, 10);
    expect(await new LocalProvider().embed(input)).toEqual([first, second]);
    expect(cosineSimilarity(first, second)).toBeLessThan(0.5);
  });

  it("puts graphicx nearer to graphics than to the bzip2 manual", async () => {
    const [graphicx, graphics, bzip2] = await provider.embed(["graphicx.pdf", "graphics.pdf", "bzip2-manual.pdf"].map((name) => texts.get(name)!), { statistics });
    expect(cosineSimilarity(graphicx, graphics)).toBeGreaterThan(cosineSimilarity(graphicx, bzip2));
  });

  it("keeps the LaTeX graphics bundle together, apart from bzip2, apt and coreutils", async () => {
    const names = [...LATEX_GRAPHICS, ...OTHERS];
    const vectors = new Map((await provider.embed(names.map((name) => texts.get(name)!), { statistics })).map((vector, i) => [names[i], vector]));
    // The bundle's core: trig, lscape and rotating are short manuals of their own topic, nearly unrelated to the rest.
    for (const name of LATEX_GRAPHICS.filter((n) => !["trig.pdf", "lscape.pdf", "rotating.pdf"].includes(n))) {
      const similarity = (other: string) => cosineSimilarity(vectors.get(name)!, vectors.get(other)!);
      // Most of the bundle is nearer than the nearest stranger.
      const nearestStranger = Math.max(...OTHERS.map(similarity));
      const nearer = LATEX_GRAPHICS.filter((other) => other !== name && similarity(other) > nearestStranger);
      expect(nearer.length, name).toBeGreaterThanOrEqual(3);
      const nearest = names.filter((other) => other !== name).sort((a, b) => similarity(b) - similarity(a))[0];
      expect(LATEX_GRAPHICS, `${name}'s nearest neighbour`).toContain(nearest);
    }
  });

  it("stops with the signal's reason when aborted", async () => {
    const reason = new Error("stop");
    await expect(provider.embed(["text"], { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });
});

describe("vector helpers", () => {
  it("measures cosine similarity", () => {
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
    expect(cosineSimilarity([1, 2], [2, 4])).toBeCloseTo(1, 12);
    expect(cosineSimilarity([1, 0], [-1, 0])).toBe(-1);
    expect(cosineSimilarity([0, 0], [1, 1])).toBe(0);
    expect(() => cosineSimilarity([1], [1, 2])).toThrow(VectorShapeError);
  });

  it("averages vectors into a unit vector", () => {
    const mean = meanVector([
      [1, 0],
      [0, 1],
    ]);
    expect(mean[0]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(mean[1]).toBeCloseTo(Math.SQRT1_2, 12);
    expect(() => meanVector([])).toThrow(VectorShapeError);
    expect(() => meanVector([[1], [1, 2]])).toThrow(VectorShapeError);
  });
});
