import { beforeAll, describe, expect, it } from "vitest";
import { LOCAL_EMBEDDING_DIMENSIONS, LocalProvider } from "@/lib/ai/local";
import { learnProjection } from "@/lib/similarity/projection";
import { documentTerms } from "@/lib/similarity/terms";
import { hashedSparse, RESIDUAL_DIMENSIONS, sharedWeights, StatisticsCounter, termWeights, type LibraryStatistics } from "@/lib/similarity/weighting";
import type { OutlineEntry } from "@/lib/document-types";
import { KEY_POINT_BULLET, parseSummary } from "@/lib/summary-form";
import { meanVector, VectorShapeError } from "@/lib/ai/vector";
import { cosineSimilarity } from "../vector-math";
import { extractText } from "@/lib/parsing";
import { fixturePath } from "../fixtures";

const LATEX_GRAPHICS = ["color", "graphics", "graphicx", "grfguide", "epsfig", "keyval", "lscape", "rotating", "trig", "drivers"].map((name) => `${name}.pdf`);
const OTHERS = ["bzip2-manual.pdf", "apt-README.md", "coreutils-README.txt"];
const MIME: Record<string, string> = { pdf: "application/pdf", md: "text/markdown", txt: "text/plain" };
/** Fixtures, the subject their first sentence names, and words of the description it is taken from. */
const DESCRIBED: [file: string, subject: string, description: string][] = [
  ["bzip2-manual.pdf", "bzip2", "compresses files using the Burrows-Wheeler block sorting text compression algorithm"],
  ["graphicx.pdf", "graphicx", "provides an alternative interface to the LATEX 2ε graphics functions"],
  ["natbib.pdf", "natbib", "is a reimplementation of the LATEX \\cite command"],
  ["fontconfig-user.pdf", "fontconfig", "is a library designed to provide system-wide font configuration"],
  ["apt-README.md", "apt", "is the main command-line package manager for Debian"],
  ["libtasn1.pdf", "libtasn1", "Abstract Syntax Notation One"],
  ["shared-mime-info-spec.pdf", "MIME", "unify the MIME database systems"],
];

const provider = new LocalProvider();
const texts = new Map<string, string>();
const outlines = new Map<string, OutlineEntry[]>();

beforeAll(async () => {
  for (const name of [...LATEX_GRAPHICS, ...OTHERS, ...DESCRIBED.map(([file]) => file)]) {
    if (texts.has(name)) continue;
    const { text, outline } = await extractText(fixturePath(name), MIME[name.split(".").pop()!]);
    texts.set(name, text);
    outlines.set(name, outline);
  }
}, 60_000);

const flat = (text: string) => text.replace(/\s+/g, " ");
const sentencesOf = (summary: string) =>
  Array.from(new Intl.Segmenter(undefined, { granularity: "sentence" }).segment(summary), ({ segment }) => segment.trim());
const summaryOf = (name: string) => provider.summarize(texts.get(name)!, { title: name.replace(/\.\w+$/, ""), outline: outlines.get(name) });

/** Where a sentence of the summary starts in the text it was picked from, whatever the line breaks (UTF-16 index, -1 if absent). */
function positionIn(text: string, sentence: string): number {
  const words = sentence.split(" ").slice(0, 10).map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return text.search(new RegExp(words.join("\\s+")));
}

/** Openings that lean on a sentence before them, or show the sentence was cut out of something (an option, a list, a number). */
const MID_THOUGHT = /^(However|But|And|Or|So|Also|Thus|Hence|Therefore|Then|Note|Notice|Please|This|These|That|Those|It|Its|They|Such|Here|Furthermore|Moreover|In addition|For example|For instance|As a result)\b|^[^\p{L}‘'"“]/u;

/** Whether a sentence starts with one of the document's headings and then goes on with a new capitalised start. */
function opensWithHeading(sentence: string, outline: OutlineEntry[]): boolean {
  return outline.some(({ title }) => {
    const heading = title.replace(/^[\d.]+\s+/, "");
    return heading.length >= 3 && sentence.startsWith(`${heading} `) && /^\p{Lu}/u.test(sentence.slice(heading.length + 1));
  });
}

describe("LocalProvider.summarize", () => {
  it.each(DESCRIBED)("says first what %s is, naming %s", async (name, subject, description) => {
    const summary = await summaryOf(name);
    const { description: first } = parseSummary(summary);
    expect(summary.startsWith(first)).toBe(true);
    expect(first.toLowerCase()).toContain(subject.toLowerCase());
    expect(first).toContain(description);
  });

  it("follows the description with key points, one a line after a bullet, each a whole sentence of the document", async () => {
    const summary = await summaryOf("bzip2-manual.pdf");
    const [description, points, ...rest] = summary.split("\n\n");
    expect(rest).toEqual([]);
    expect(description).toBe("bzip2 compresses files using the Burrows-Wheeler block sorting text compression algorithm, and Huffman coding.");
    const lines = points.split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.length).toBeLessThanOrEqual(5);
    const manual = flat(texts.get("bzip2-manual.pdf")!);
    for (const line of lines) {
      expect(line.startsWith(KEY_POINT_BULLET)).toBe(true);
      const point = line.slice(KEY_POINT_BULLET.length);
      expect(sentencesOf(point), point).toHaveLength(1);
      expect(manual).toContain(point);
    }
    expect(parseSummary(summary).keyPoints).toEqual(lines.map((line) => line.slice(KEY_POINT_BULLET.length)));
  });

  it("never opens a key point mid-thought or with a heading glued to it, and leaves out code and contents lines", async () => {
    for (const name of [...LATEX_GRAPHICS, ...OTHERS, ...DESCRIBED.map(([file]) => file)]) {
      const { keyPoints } = parseSummary(await summaryOf(name));
      for (const point of keyPoints) {
        expect(point, name).not.toMatch(MID_THOUGHT);
        expect(opensWithHeading(point, outlines.get(name)!), `${name}: ${point}`).toBe(false);
        expect(point, name).not.toMatch(/\\def|\\define@key|\. \. \./);
        expect(point, name).toMatch(/[.!?]["'”’)]*$/);
      }
    }
  });

  it("takes its key points from the document's main sections, not from one place", async () => {
    const text = texts.get("natbib.pdf")!;
    const sectionStarts = outlines
      .get("natbib.pdf")!
      .filter((entry) => entry.level === 1)
      .map((entry) => entry.offset);
    const { keyPoints } = parseSummary(await summaryOf("natbib.pdf"));
    const sections = keyPoints.map((point) => {
      const at = positionIn(text, point);
      expect(at, point).toBeGreaterThanOrEqual(0);
      return sectionStarts.filter((start) => start <= Array.from(text.slice(0, at)).length).length;
    });
    expect(new Set(sections).size).toBeGreaterThanOrEqual(3);
  });

  it("reads a manual page: its NAME or DESCRIPTION first, no option or connective opening a key point", async () => {
    const page = [
      "GREET(1) User Commands GREET(1)",
      "",
      "NAME",
      "greet - print a friendly greeting",
      "",
      "DESCRIPTION",
      "greet prints a greeting for each NAME given on its command line, or for the user running it when there is",
      "none. Greetings go to the standard output, one a line, in the language of the current locale.",
      "",
      "OPTIONS",
      "−c If the −c option is present, then greetings are read from the first non‐option argument",
      "string. Note that the other options of greet can be given after it as well, in any order.",
      "−l Print each greeting in lower case letters, whatever the locale prefers for its first word.",
      "",
      "EXIT STATUS",
      "greet exits with status zero when every greeting was printed, and with status one otherwise.",
      "This is not due to the locale, which greet never checks before it prints the greetings.",
    ].join("\n");
    const outline = ["NAME", "DESCRIPTION", "OPTIONS", "EXIT STATUS"].map((title) => ({ title, level: 1, offset: page.indexOf(`\n${title}\n`) + 1 }));
    const summary = await provider.summarize(page, { title: "greet", outline });
    const { description, keyPoints } = parseSummary(summary);
    expect(description).toBe("greet prints a greeting for each NAME given on its command line, or for the user running it when there is none.");
    expect(keyPoints.length).toBeGreaterThanOrEqual(2);
    for (const point of keyPoints) expect(point).not.toMatch(/^(−|-|Note that|This is not)/);
  });

  it("is deterministic and honours maxSentences", async () => {
    const text = texts.get("grfguide.pdf")!;
    expect(await provider.summarize(text)).toBe(await new LocalProvider().summarize(text));
    const short = parseSummary(await provider.summarize(text, { maxSentences: 2 }));
    expect(short.keyPoints.length).toBeLessThanOrEqual(1);
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
    expect(summary.length).toBeLessThanOrEqual(1081);
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
