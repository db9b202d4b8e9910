/**
 * A document's text read the way a person reads it: page furniture (page numbers, running headers
 * and footers, contents lines) set aside, headings apart from the prose, wrapped lines joined into
 * paragraphs (across a page break too), the paragraphs cut into sentences, and each sentence placed
 * in the section of the outline it belongs to.
 */
import type { OutlineEntry } from "@/lib/document-types";
import { utf16Indexes } from "@/lib/parsing/outline";
import { escapeRegExp } from "./subject";

export interface Sentence {
  /** Whitespace collapsed, hyphenation at line ends undone. */
  text: string;
  /** Where it starts in the text (UTF-16 index). */
  start: number;
  /** Its main section (an index into `sections`), or -1 before the first. */
  section: number;
  /** Its place in its paragraph, 0 for the first. */
  inParagraph: number;
  /** Its place in its section, 0 for the first. */
  inSection: number;
  /** The title of the heading it comes under (of any level), "" before the first. */
  heading: string;
  /** Its place under that heading, 0 for the first. */
  inHeading: number;
}

export interface Section {
  title: string;
  start: number;
  end: number;
}

export interface ReadText {
  sentences: Sentence[];
  /** The outline's main sections in order; a text without an outline is cut into equal parts. */
  sections: Section[];
  /** Every heading's title, from the outline and from lines that look like headings. */
  headings: string[];
  /** The first lines of the text, before any prose or heading: its title page. */
  titleLines: string[];
}

/** Lines at least this long are wrapped prose; shorter lines (headings, last lines) end a paragraph. */
const WRAPPED_LINE_CHARS = 40;
/** A line this short, after a finished sentence and before a capital, with no end punctuation, is a heading. */
const MAX_HEADING_CHARS = 80;
/** A short line seen this often is a running header or footer. */
const MIN_REPEATS = 3;
/** Intl.Segmenter slows down sharply on long strings, so it gets pieces of at most this many characters. */
const MAX_SEGMENTER_INPUT = 4000;
/** A text without an outline is cut into this many parts, so key points still come from all over it. */
const PARTS_WITHOUT_OUTLINE = 5;
/** The main sections are the top levels of the outline that hold at least this many headings. */
const MIN_MAIN_SECTIONS = 3;
const TITLE_LINES = 4;
/** Above this share of code marks a line is code. */
const MAX_CODE_SHARE = 0.05;

/** The dotted lines of a table of contents, page numbers alone on their line. */
const DOT_LEADERS = /(\.\s?){4,}/;
const PAGE_NUMBER = /^(page\s+)?[-–—(]?\s*([\d]{1,4}|[ivxlcdm]{1,7})\s*[-–—)]?(\s*(of|\/)\s*\d+)?$/i;
/** A line that opens an item of a list or definition list ("• …", "-c …", "--help …"). */
const ITEM_START = /^([•◦▪‣·*]|[-−–+]{1,2}[\p{L}\d[]|\[-)/u;
const SENTENCE_END = /[.!?:]["'”’)]*$/;

interface Line {
  text: string;
  start: number;
  /** Furniture (page numbers, running headers, contents lines) interrupts the prose; headings and code end it. */
  kind: "blank" | "furniture" | "code" | "heading" | "prose";
}

/** Reads `text`, with its outline (offsets in code points, as stored) when it has one. */
export function readText(text: string, outline: OutlineEntry[]): ReadText {
  const offsets = utf16Indexes(
    text,
    outline.map((entry) => entry.offset),
  );
  const headingStarts = new Set(offsets);
  const lines = classifyLines(text, headingStarts);
  const sections = mainSections(text, outline, offsets);
  const headingLines = lines.filter((line) => line.kind === "heading" && !headingStarts.has(line.start));
  const headings = [...outline.map((entry, i) => ({ title: entry.title, start: offsets[i] })), ...headingLines.map((line) => ({ title: line.text, start: line.start }))].sort(
    (a, b) => a.start - b.start,
  );
  const sentences = place(paragraphs(lines).flatMap(sentencesOf), sections, headings);
  return { sentences, sections, headings: headings.map((heading) => heading.title), titleLines: titleLines(lines) };
}

function classifyLines(text: string, headingStarts: Set<number>): Line[] {
  const raw: { text: string; start: number }[] = [];
  let start = 0;
  for (const line of text.split("\n")) {
    raw.push({ text: line.trim(), start });
    start += line.length + 1;
  }
  const repeats = new Map<string, number>();
  for (const line of raw) {
    if (line.text.length > 0 && line.text.length <= MAX_HEADING_CHARS) repeats.set(furnitureKey(line.text), (repeats.get(furnitureKey(line.text)) ?? 0) + 1);
  }
  const lines: Line[] = [];
  raw.forEach((line, i) => {
    const previous = lines.at(-1);
    let kind: Line["kind"] = "prose";
    if (line.text === "") kind = "blank";
    else if (headingStarts.has(line.start) || (previous?.kind === "heading" && headingStarts.has(previous.start) && isWrappedTitle(previous.text, line.text))) kind = "heading";
    else if (PAGE_NUMBER.test(line.text) || DOT_LEADERS.test(line.text) || (repeats.get(furnitureKey(line.text)) ?? 0) >= MIN_REPEATS) kind = "furniture";
    else if (isCode(line.text)) kind = "code";
    else if (looksLikeHeading(line.text, previous, raw[i + 1]?.text ?? "")) kind = "heading";
    lines.push({ ...line, kind });
  });
  return lines;
}

/** A line of code or markup: many of the marks prose rarely uses, or a TeX or C line's typical start and end. */
function isCode(line: string): boolean {
  const marks = line.match(/[\\{}@#$%^&*=<>|;~]/g)?.length ?? 0;
  return marks / line.replace(/\s/g, "").length > MAX_CODE_SHARE || /^\\[A-Za-z@]/.test(line) || /[{};]$/.test(line);
}

/** A line with its numbers taken out, so "Valgrind User Manual 12" and "… 13" count as the same header. */
function furnitureKey(line: string): string {
  return line
    .toLowerCase()
    .replace(/\b(\d+|[ivxlc]+)\b/g, "#")
    .replace(/\s+/g, " ");
}

/** The second line of a heading that wrapped: short, and no sentence ended on the first. */
function isWrappedTitle(first: string, second: string): boolean {
  return second.length < WRAPPED_LINE_CHARS && !/[.!?:]$/.test(first) && !/[.!?:]$/.test(second) && /^\p{Lu}/u.test(second) === /^\p{Lu}/u.test(first);
}

/** A short line without end punctuation between a finished paragraph and a capitalised line ("2.4 Library notes", "OPTIONS"). */
function looksLikeHeading(line: string, previous: Line | undefined, next: string): boolean {
  if (line.length > MAX_HEADING_CHARS || /[.,;:!?]$/.test(line) || !/^[\p{Lu}\d]/u.test(line) || ITEM_START.test(line)) return false;
  const afterBreak = !previous || previous.kind !== "prose" || SENTENCE_END.test(previous.text);
  return afterBreak && /^[\p{Lu}\d]/u.test(next) && (/^\d+(\.\d+)*\.?\s+\p{Lu}/u.test(line) || line === line.toUpperCase() || line.length < WRAPPED_LINE_CHARS);
}

interface Paragraph {
  text: string;
  /** Where each of its lines starts: its index in `text` and in the document. */
  joints: { at: number; start: number }[];
  lastLine: string;
}

/** Prose lines joined into paragraphs, which headings and code always end (see `continues` for the rest). */
function paragraphs(lines: Line[]): Paragraph[] {
  const result: Paragraph[] = [];
  let current: Paragraph | null = null;
  // Since the last prose line: blank lines or furniture (interrupted), furniture among them (a page break, which a paragraph may go on across).
  let interrupted = false;
  let pageBreak = false;
  const close = () => {
    if (current) result.push(current);
    current = null;
  };
  for (const line of lines) {
    if (line.kind === "heading" || line.kind === "code") {
      close();
      interrupted = false;
      pageBreak = false;
      continue;
    }
    if (line.kind !== "prose") {
      interrupted = true;
      pageBreak ||= line.kind === "furniture";
      continue;
    }
    if (current === null || !continues(current, line.text, interrupted, pageBreak)) {
      close();
      current = { text: line.text, joints: [{ at: 0, start: line.start }], lastLine: line.text };
    } else {
      const joined = joinLines(current.text, line.text);
      current.joints.push({ at: joined.length - line.text.length, start: line.start });
      current.text = joined;
      current.lastLine = line.text;
    }
    interrupted = false;
    pageBreak = false;
  }
  close();
  return result;
}

/**
 * Whether a prose line goes on with the paragraph before it: after a long line, unless it opens a
 * list item or that line ended with a colon; after a short line, or across a page break (page
 * furniture between them), only when the paragraph has not finished its sentence and the line
 * starts in lower case. A blank line alone ends a paragraph.
 */
function continues(paragraph: Paragraph, line: string, interrupted: boolean, pageBreak: boolean): boolean {
  // A line that ends with a colon introduces what follows (a list, an example): it ends its paragraph.
  if (ITEM_START.test(line) || paragraph.lastLine.endsWith(":") || (interrupted && !pageBreak)) return false;
  if (!interrupted && paragraph.lastLine.length >= WRAPPED_LINE_CHARS) return true;
  return /^\p{Ll}/u.test(line) && !SENTENCE_END.test(paragraph.text);
}

/** Two wrapped lines as one: a word hyphenated at the line's end is joined up again. */
function joinLines(first: string, second: string): string {
  // U+2010, the hyphen that manual pages and typesetters put where they break a word.
  if (/\p{Ll}‐$/u.test(first) && /^\p{Ll}/u.test(second)) return first.slice(0, -1) + second;
  if (/\p{Ll}-$/u.test(first) && /^\p{Ll}/u.test(second)) return first + second;
  return `${first} ${second}`;
}

/** A paragraph's sentences, each with the document offset of its first character. */
function sentencesOf(paragraph: Paragraph): Unplaced[] {
  const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
  const sentences: Unplaced[] = [];
  let base = 0;
  for (const piece of boundedPieces(paragraph.text, MAX_SEGMENTER_INPUT)) {
    for (const { segment, index } of segmenter.segment(piece)) {
      const text = segment.replace(/\s+/g, " ").trim();
      if (text === "") continue;
      const at = base + index + (segment.length - segment.trimStart().length);
      sentences.push({ text, start: documentOffset(paragraph, at), inParagraph: sentences.length });
    }
    base += piece.length;
  }
  return sentences;
}

function documentOffset({ joints }: Paragraph, at: number): number {
  let joint = joints[0];
  for (const next of joints) {
    if (next.at > at) break;
    joint = next;
  }
  return joint.start + (at - joint.at);
}

/** Cut a block into pieces of at most `max` characters, after a full stop where there is one. */
function boundedPieces(block: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = block;
  while (rest.length > max) {
    const stop = rest.lastIndexOf(". ", max);
    const cut = stop > 0 ? stop + 2 : max;
    pieces.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  pieces.push(rest);
  return pieces;
}

/**
 * The sections key points should cover: the entries of the outline's top levels, down to the first
 * level that gives at least MIN_MAIN_SECTIONS of them; without an outline, equal parts of the text.
 */
function mainSections(text: string, outline: OutlineEntry[], offsets: number[]): Section[] {
  const levels = [...new Set(outline.map((entry) => entry.level))].sort((a, b) => a - b);
  const depth = levels.find((level) => outline.filter((entry) => entry.level <= level).length >= MIN_MAIN_SECTIONS);
  if (depth === undefined) {
    const size = Math.ceil(text.length / PARTS_WITHOUT_OUTLINE);
    return Array.from({ length: PARTS_WITHOUT_OUTLINE }, (_, i) => ({ title: "", start: i * size, end: Math.min(text.length, (i + 1) * size) }));
  }
  const starts = outline.map((entry, i) => ({ title: entry.title, start: offsets[i], level: entry.level })).filter((entry) => entry.level <= depth);
  return starts.map(({ title, start }, i) => ({ title, start, end: starts[i + 1]?.start ?? text.length }));
}

type Unplaced = Omit<Sentence, "section" | "inSection" | "heading" | "inHeading">;

/** Each sentence with its main section and the heading it comes under, and its place in both. */
function place(sentences: Unplaced[], sections: Section[], headings: { title: string; start: number }[]): Sentence[] {
  const inSection = new Counter(sections);
  const inHeading = new Counter(headings);
  return sentences.map((sentence) => {
    const section = inSection.place(sentence.start);
    const heading = inHeading.place(sentence.start);
    return { ...sentence, section: section.index, inSection: section.place, heading: headings[heading.index]?.title ?? "", inHeading: heading.place };
  });
}

/** Walks through ascending starts: which stretch an ascending offset falls in, and how many came before it there. */
class Counter {
  private index = -1;
  private count = 0;

  constructor(private readonly stretches: readonly { start: number }[]) {}

  place(offset: number): { index: number; place: number } {
    const before = this.index;
    while (this.index + 1 < this.stretches.length && this.stretches[this.index + 1].start <= offset) this.index += 1;
    if (this.index !== before) this.count = 0;
    return { index: this.index, place: this.count++ };
  }
}

/**
 * The text's first lines that are not prose (no sentence ends in them, none wraps onto the next):
 * its title and subtitle. The very first line counts even when it comes back as a running header.
 */
function titleLines(lines: Line[]): string[] {
  const first = lines.findIndex((line) => line.kind !== "blank");
  const shown = lines.filter((line, i) => line.kind !== "blank" && line.kind !== "code" && (line.kind !== "furniture" || i === first));
  const found: string[] = [];
  for (const [i, line] of shown.entries()) {
    const wraps = /^\p{Ll}/u.test(shown[i + 1]?.text ?? "");
    if (found.length >= TITLE_LINES || line.text.length > MAX_HEADING_CHARS || /[.!?]\s|[.!?,;:]$/.test(line.text) || wraps) break;
    if (!/https?:|@/.test(line.text)) found.push(line.text);
  }
  return found;
}

/**
 * The sentences again, also cut where one ends before a name written in lower case ("…
 * compressors. bzip2 is built on …"), which the sentence segmenter takes for a sentence going on.
 */
export function splitBeforeNames(read: ReadText, names: ReadonlySet<string>): ReadText {
  // The document's names, and words that can only be names: lower case with a dot, digit or underscore inside ("fonts.dtd", "libtasn1").
  const alternatives = [...[...names].map(escapeRegExp), "\\p{Ll}[\\p{L}\\p{N}]*[._\\d][\\p{L}\\p{N}._]*"].join("|");
  const boundary = new RegExp(`(?<=[\\p{Ll}\\d)][.!?]) +(?=(${alternatives})(?![\\p{L}\\p{N}]))`, "gu");
  const sentences = read.sentences.flatMap((sentence) => {
    const pieces: Sentence[] = [];
    let from = 0;
    for (const match of sentence.text.matchAll(boundary)) {
      pieces.push({ ...sentence, text: sentence.text.slice(from, match.index), start: sentence.start + from });
      from = match.index + match[0].length;
    }
    if (pieces.length === 0) return [sentence];
    pieces.push({ ...sentence, text: sentence.text.slice(from), start: sentence.start + from });
    return pieces.map((piece, k) => ({ ...piece, inParagraph: sentence.inParagraph + k, inSection: sentence.inSection + k, inHeading: sentence.inHeading + k }));
  });
  return { ...read, sentences };
}
