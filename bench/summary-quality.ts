/**
 * Figure 8, summary quality: the local provider's summaries of real manuals and papers found on
 * this machine (bench/lib/corpus.ts: the fixtures, /usr/share/doc's PDFs, HTML and Markdown, and
 * manual pages rendered with `man -P cat`), read as the app reads them (extractText, with their
 * outlines). Measured, with checks of this file's own (not the summarizer's):
 *  - the share of first sentences that contain the main term of the document's title;
 *  - the share of key points that start mid-thought (a connective or pointing word, a lower-case
 *    function word, anything but a letter or a quote) or carry a heading (a section number, words
 *    in capitals or a label with a colon first, a definition list's term run into the sentence, or
 *    one of the document's headings followed by a new capitalised start);
 *  - how many distinct main sections (the outline's level 1, or levels 1–2 when level 1 has fewer
 *    than three headings, and the text before the first) the key points come from, against
 *    min(key points, sections).
 * Baseline: the lead, the text's first sentences (the first one for the first check, the first five
 * as key points for the others), the usual floor for extractive summaries. Every first sentence is
 * printed so a reader can judge them.
 */
import { LocalProvider } from "@/lib/ai/local";
import type { OutlineEntry } from "@/lib/document-types";
import { extractText } from "@/lib/parsing";
import { parseSummary } from "@/lib/summary-form";
import { findCorpus, type CorpusDocument } from "./lib/corpus";
import { log, QUICK, result, runFigure, scratchDir } from "./lib/figure";

const LEAD_POINTS = 5;
/** The lead's sentences: whole ones, of prose length (a title page run together up to its first full stop is not one). */
const MIN_SENTENCE_WORDS = 6;
const MAX_SENTENCE_CHARS = 300;

/** Openings that lean on what came before. */
const LEANING =
  /^(however|but|and|or|so|also|thus|hence|therefore|then|note|notice|please|this|these|that|those|it|its|they|them|such|here|furthermore|moreover|additionally|otherwise|instead|finally|again|in addition|for example|for instance|as a result|as mentioned|as described|as shown|on the other hand|which|because)\b/i;
/** Lower-case words a sentence cut in the middle starts with; a name written in lower case (bzip2, grep) is not one. */
const FUNCTION_WORDS = new Set(
  "a an and are as at be been but by can do does for from had has have if in into is it its may might must not of on or should so such than that the then there these they this those to was were when where whether which while who will with would".split(
    " ",
  ),
);

interface DocumentReport {
  source: string;
  term: string;
  firstSentence: string;
  names: boolean;
  leadFirstSentence: string;
  leadNames: boolean;
  keyPoints: number;
  flagged: string[];
  leadFlagged: number;
  sectionCount: number;
  sectionsCovered: number | null;
  leadSectionsCovered: number | null;
}

runFigure(async () => {
  const corpus = await findCorpus(scratchDir("summary-quality"), { quick: QUICK });
  log(`${corpus.length} documents`);
  const provider = new LocalProvider();
  const reports: DocumentReport[] = [];
  let summarizeMs = 0;
  for (const document of corpus) {
    const { text, outline } = await extractText(document.filePath, document.mimeType);
    const started = performance.now();
    const summary = await provider.summarize(text, { title: document.title, outline });
    summarizeMs += performance.now() - started;
    const report = assess(document, text, outline, summary);
    reports.push(report);
    const covered = report.sectionsCovered === null ? "no sections" : `key points from ${coveredCount(report)} of ${report.sectionCount} sections`;
    log(`${report.names ? "names  " : "MISSES "} ${document.source} [${document.term}; ${covered}]: ${report.firstSentence}`);
    for (const point of report.flagged) log(`        flagged key point: ${point}`);
  }

  const share = (count: number, of: number) => (100 * count) / Math.max(1, of);
  const named = reports.filter((r) => r.names).length;
  const leadNamed = reports.filter((r) => r.leadNames).length;
  const points = reports.reduce((sum, r) => sum + r.keyPoints, 0);
  const flagged = reports.reduce((sum, r) => sum + r.flagged.length, 0);
  const leadFlagged = reports.reduce((sum, r) => sum + r.leadFlagged, 0);
  const sectioned = reports.filter((r) => r.sectionsCovered !== null);
  const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
  const coverage = mean(sectioned.map((r) => r.sectionsCovered!));
  const leadCoverage = mean(sectioned.map((r) => r.leadSectionsCovered!));
  const documents = reports.map((r) => ({
    source: r.source,
    term: r.term,
    names: r.names,
    firstSentence: r.firstSentence,
    keyPoints: r.keyPoints,
    flagged: r.flagged,
    sections: r.sectionCount,
    sectionsOfKeyPoints: r.sectionsCovered === null ? null : coveredCount(r),
  }));
  const details = { documents: reports.length, keyPoints: points, summarizeMsPerDocument: summarizeMs / Math.max(1, reports.length) };
  return [
    result({
      name: "summary first sentence names the subject",
      value: share(named, reports.length),
      unit: "%",
      baseline: "the text's first sentence (lead)",
      baselineValue: share(leadNamed, reports.length),
      runs: [share(named, reports.length)],
      goal: "at least 90 % of at least 40 documents",
      met: share(named, reports.length) >= 90 && reports.length >= 40,
      details: { ...details, named, missed: reports.filter((r) => !r.names).map((r) => `${r.source}: ${r.firstSentence}`), perDocument: documents },
    }),
    result({
      name: "summary key points mid-thought or with a heading",
      value: share(flagged, points),
      unit: "%",
      baseline: "the text's first five sentences (lead) as key points",
      baselineValue: share(leadFlagged, LEAD_POINTS * reports.length),
      runs: [share(flagged, points)],
      goal: "0",
      met: flagged === 0,
      details: { ...details, flagged: reports.flatMap((r) => r.flagged.map((point) => `${r.source}: ${point}`)) },
    }),
    result({
      name: "summary key points' sections, of those they could cover",
      value: 100 * coverage,
      unit: "%",
      baseline: "the text's first five sentences (lead)",
      baselineValue: 100 * leadCoverage,
      runs: [100 * coverage],
      details: {
        ...details,
        documentsWithSections: sectioned.length,
        meanSections: mean(sectioned.map((r) => r.sectionCount)),
        meanKeyPoints: mean(sectioned.map((r) => r.keyPoints)),
      },
    }),
  ];
});

/** How many distinct sections a document's key points come from. */
function coveredCount(report: DocumentReport): number {
  return Math.round((report.sectionsCovered ?? 0) * Math.min(report.keyPoints, report.sectionCount));
}

/** One document's summary against this figure's checks, and the lead's. */
function assess(document: CorpusDocument, text: string, outline: OutlineEntry[], summary: string): DocumentReport {
  const { description, keyPoints } = parseSummary(summary);
  const firstSentence = sentencesOf(description)[0] ?? "";
  const lead = sentencesOf(text.replace(/\s+/g, " ")).filter(
    (sentence) => sentence.split(" ").length >= MIN_SENTENCE_WORDS && sentence.length <= MAX_SENTENCE_CHARS && /[.!?]$/.test(sentence),
  );
  const starts = mainSectionStarts(outline);
  const coverage = (sentences: string[]) => {
    if (starts.length < 2 || sentences.length === 0) return null;
    const sections = new Set(sentences.map((sentence) => sectionOf(text, starts, sentence)).filter((section) => section >= 0));
    return sections.size / Math.min(sentences.length, starts.length);
  };
  const leadPoints = lead.slice(1, 1 + LEAD_POINTS);
  return {
    source: document.source,
    term: document.term,
    firstSentence,
    names: contains(firstSentence, document.term),
    leadFirstSentence: lead[0] ?? "",
    leadNames: contains(lead[0] ?? "", document.term),
    keyPoints: keyPoints.length,
    flagged: keyPoints.filter((point) => isFlawed(point, document.term, outline)),
    leadFlagged: leadPoints.filter((point) => isFlawed(point, document.term, outline)).length,
    sectionCount: starts.length,
    sectionsCovered: coverage(keyPoints),
    leadSectionsCovered: coverage(leadPoints),
  };
}

function sentencesOf(text: string): string[] {
  const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
  return Array.from(segmenter.segment(text), ({ segment }) => segment.trim()).filter((sentence) => sentence !== "");
}

function contains(sentence: string, term: string): boolean {
  return sentence.toLowerCase().includes(term.toLowerCase());
}

/** Whether a key point starts mid-thought or carries a heading. */
function isFlawed(point: string, term: string, outline: OutlineEntry[]): boolean {
  const unquoted = point.replace(/^[‘'"“]/u, "");
  const firstWord = /^\S+/.exec(unquoted)?.[0].replace(/[^\p{L}\p{N}]+$/u, "") ?? "";
  const midThought =
    LEANING.test(unquoted) || !/^\p{L}/u.test(unquoted) || (FUNCTION_WORDS.has(firstWord) && firstWord.toLowerCase() !== term.toLowerCase());
  const heading =
    /^\d+(\.\d+)*\.?\s/.test(point) ||
    /^(\p{Lu}{2,}\s+)+\p{Lu}\p{Ll}/u.test(point) ||
    /^[\p{L}\p{N}_-]+( [\p{L}\p{N}_-]+)?:\s/u.test(point) ||
    // A definition list's term run into its description: "ChangeLog This file …", "… supported. bb Set the …".
    /^\S+ (The|This|A|An) /.test(point) ||
    // A command's usage line run into the sentence: "valgrind [valgrind-options] your-prog … The most important …".
    /^\S+ \[[^\]]*\] /.test(point) ||
    /[.!?] \p{Ll}\S* \p{Lu}\p{Ll}/u.test(point) ||
    outline.some(({ title }) => {
      const words = title.replace(/^[\d.]+\s+/, "");
      return words.length >= 3 && point.startsWith(`${words} `) && /^\p{Lu}/u.test(point.slice(words.length + 1));
    });
  return midThought || heading;
}

/**
 * Offsets (characters) of the main sections: level 1, or levels 1–2 when level 1 has fewer than
 * three headings; the text before the first heading (a title page, an abstract) counts as one too.
 */
function mainSectionStarts(outline: OutlineEntry[]): number[] {
  const top = outline.filter((entry) => entry.level === 1);
  const starts = (top.length >= 3 ? top : outline.filter((entry) => entry.level <= 2)).map((entry) => entry.offset);
  return starts.length > 0 && starts[0] > 0 ? [0, ...starts] : starts;
}

/** The main section a sentence of the summary comes from (its index in `starts`), or -1 when its words are not found in the text. */
function sectionOf(text: string, starts: number[], sentence: string): number {
  const words = sentence
    .split(" ")
    .slice(0, 10)
    .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const at = text.search(new RegExp(words.join("\\s+")));
  if (at < 0) return -1;
  const offset = Array.from(text.slice(0, at)).length;
  return starts.filter((start) => start <= offset).length - 1;
}
