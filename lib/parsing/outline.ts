/**
 * A document's outline: its headings, each with the offset in the extracted text where it starts.
 * Formats that say where their headings are (PDF bookmarks, Markdown `#` lines, HTML h1–h6) leave
 * marks in the raw text, Unicode noncharacters that whitespace normalizing keeps in place and that
 * are taken out before the text is stored; plain text, and PDFs without bookmarks, get the headings
 * the text shows itself (numbered lines, a manual page's capitalised section names).
 */
import type { FormatCallback, SelectorDefinition } from "html-to-text";
import type { OutlineEntry } from "@/lib/document-types";

/** A bookmark of a PDF: its title, depth (1 for the top) and the page it opens (1-based). */
export interface Bookmark {
  title: string;
  level: number;
  page: number;
}

/** What a PDF tells about its outline: its bookmarks, and which pages' text was marked (pages without text get no mark). */
export interface PdfOutlineSource {
  bookmarks: Bookmark[];
  markedPages: number[];
}

/** A mark found in the text: the page it starts (level 0) or a heading of that level, at `index` (UTF-16) of the unmarked text. */
export interface TextMark {
  level: number;
  index: number;
}

// Noncharacters are for a program's internal use; any a file carries are dropped before marking.
const MARKS = ["\uFDD0", "\uFDD1", "\uFDD2", "\uFDD3", "\uFDD4", "\uFDD5", "\uFDD6"];
const ANY_MARK = /[\uFDD0-\uFDD6]/g;
const PAGE_MARK = MARKS[0];
/** Headings kept at most: a table of contents, not an index. */
const MAX_ENTRIES = 1000;
const MAX_TITLE_CHARS = 200;
/** A bookmark's title is looked for on this many lines of its page before falling back to the page's start. */
const MAX_LINES_SEARCHED = 400;

/** A page's text with a mark before its first visible character (none on a page without text). */
export function markPage(text: string): string {
  return text.replace(ANY_MARK, "").replace(/\S/u, (first) => PAGE_MARK + first);
}

/** Markdown with a mark before the title of each ATX (`## Title`) and setext (`Title` over `===`) heading outside code blocks. */
export function markMarkdownHeadings(markdown: string): string {
  const lines = markdown.replace(ANY_MARK, "").split("\n");
  let fence: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fenceMatch = /^ {0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      if (fence === null) fence = fenceMatch[1][0];
      else if (fenceMatch[1][0] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const atx = /^( {0,3}(#{1,6})[ \t]+)(\S)/.exec(line);
    if (atx) {
      lines[i] = atx[1] + MARKS[atx[2].length] + line.slice(atx[1].length);
      continue;
    }
    const underline = /^ {0,3}(=+|-+)[ \t]*$/.exec(lines[i + 1] ?? "");
    if (underline && /^ {0,3}[^\s#>*+\-=`~|]/.test(line) && !/^ {0,3}\d+[.)]\s/.test(line)) {
      lines[i] = line.replace(/\S/u, (first) => MARKS[underline[1][0] === "=" ? 1 : 2] + first);
      i += 1;
    }
  }
  return lines.join("\n");
}

/** html-to-text's settings that render h1–h6 as blocks with a mark before their first word (keeping their case). */
export const htmlHeadingOptions: { formatters: Record<string, FormatCallback>; selectors: SelectorDefinition[] } = {
  formatters: {
    markedHeading(elem, walk, builder, formatOptions) {
      builder.openBlock({ leadingLineBreaks: 2 });
      let first = true;
      builder.pushWordTransform((word) => {
        if (!first) return word;
        first = false;
        return MARKS[Number(formatOptions.level)] + word;
      });
      walk(elem.children ?? [], builder);
      builder.popWordTransform();
      builder.closeBlock({ trailingLineBreaks: 2 });
    },
  },
  selectors: [1, 2, 3, 4, 5, 6].map((level) => ({ selector: `h${level}`, format: "markedHeading", options: { level } })),
};

/** The text without its marks, and where each mark was. */
export function takeMarks(text: string): { text: string; marks: TextMark[] } {
  const marks: TextMark[] = [];
  let removed = 0;
  const unmarked = text.replace(ANY_MARK, (mark, index: number) => {
    marks.push({ level: MARKS.indexOf(mark), index: index - removed });
    removed += 1;
    return "";
  });
  return { text: unmarked, marks };
}

/** The part of pdf.js's document that the bookmarks need. */
interface PdfDocument {
  getOutline(): Promise<PdfOutlineNode[] | null>;
  getDestination(id: string): Promise<unknown[] | null>;
  getPageIndex(ref: unknown): Promise<number>;
}
interface PdfOutlineNode {
  title: string;
  dest: string | unknown[] | null;
  items: PdfOutlineNode[];
}

/**
 * The bookmarks of the PDF that `parser` has loaded, on pages up to `lastPage`, in reading order.
 * pdf-parse keeps pdf.js's document in its `doc` field (private in its types); reading the
 * bookmarks from it saves loading the file a second time. A PDF whose bookmarks cannot be read
 * has none: the outline then comes from the text.
 */
export async function pdfBookmarks(parser: object, lastPage: number): Promise<Bookmark[]> {
  const doc = (parser as { doc?: PdfDocument }).doc;
  if (!doc || typeof doc.getOutline !== "function") return [];
  try {
    const bookmarks: Bookmark[] = [];
    const visit = async (nodes: PdfOutlineNode[], level: number) => {
      for (const node of nodes) {
        if (bookmarks.length >= MAX_ENTRIES) return;
        const page = await destinationPage(doc, node.dest);
        const title = cleanTitle(node.title);
        if (page !== null && page <= lastPage && title) bookmarks.push({ title, level, page });
        await visit(node.items ?? [], level + 1);
      }
    };
    await visit((await doc.getOutline()) ?? [], 1);
    return bookmarks;
  } catch {
    return [];
  }
}

/** The 1-based page a bookmark's destination opens, or null for a link elsewhere. */
async function destinationPage(doc: PdfDocument, dest: PdfOutlineNode["dest"]): Promise<number | null> {
  const explicit = typeof dest === "string" ? await doc.getDestination(dest) : dest;
  const target = explicit?.[0];
  if (typeof target === "number") return target + 1;
  if (target && typeof target === "object") return (await doc.getPageIndex(target)) + 1;
  return null;
}

function cleanTitle(title: string): string {
  return title.replace(ANY_MARK, "").replace(/\s+/g, " ").trim().slice(0, MAX_TITLE_CHARS);
}

/**
 * The outline of the stored `text` (offsets in characters, that is code points, like the text
 * API's), from the marks the reading left and a PDF's bookmarks; otherwise the headings the text
 * shows itself. The top level present is level 1.
 */
export function buildOutline(text: string, marks: TextMark[], pdf?: PdfOutlineSource): OutlineEntry[] {
  const lines = linesOf(text);
  let entries: { title: string; level: number; index: number }[];
  if (pdf && pdf.bookmarks.length > 0) entries = placeBookmarks(text, lines, marks, pdf);
  else if (marks.some((mark) => mark.level > 0)) entries = markedHeadings(text, marks);
  else entries = textHeadings(lines, { capitals: !pdf });
  entries = entries
    .filter((entry) => entry.index < text.length)
    .sort((a, b) => a.index - b.index)
    .slice(0, MAX_ENTRIES);
  const top = Math.min(...entries.map((entry) => entry.level));
  const offsets = codePointOffsets(
    text,
    entries.map((entry) => entry.index),
  );
  return entries.map((entry, i) => ({ title: entry.title, level: entry.level - top + 1, offset: offsets[i] }));
}

interface Line {
  text: string;
  start: number;
}

function linesOf(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const line of text.split("\n")) {
    lines.push({ text: line, start });
    start += line.length + 1;
  }
  return lines;
}

/** Headings marked in the text by the reader of their format: each runs to the end of its line. */
function markedHeadings(text: string, marks: TextMark[]) {
  return marks
    .filter((mark) => mark.level > 0)
    .map((mark) => {
      const end = text.indexOf("\n", mark.index);
      return { title: cleanTitle(text.slice(mark.index, end === -1 ? undefined : end)), level: mark.level, index: mark.index };
    })
    .filter((entry) => entry.title !== "");
}

/** Each bookmark at the line of its page that shows its title, or at the page's start. */
function placeBookmarks(text: string, lines: Line[], marks: TextMark[], { bookmarks, markedPages }: PdfOutlineSource) {
  const pageStarts = marks.filter((mark) => mark.level === 0).map((mark) => mark.index);
  const startOf = (page: number) => {
    const i = markedPages.findIndex((marked) => marked >= page);
    return i === -1 || i >= pageStarts.length ? text.length : pageStarts[i];
  };
  return bookmarks.map(({ title, level, page }) => {
    const start = startOf(page);
    const end = startOf(page + 1);
    return { title, level, index: findTitleLine(lines, title, start, Math.max(end, start + 1)) ?? start };
  });
}

/** Comparable form of a title: lower case words of letters and digits. */
function titleKey(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** What may stand before a heading's title on its line: a section number or "Chapter 3". */
const NUMBER_PREFIX = /^((chapter|section|part|appendix) )?([\divxlc]+|[a-z])( [\d]+)*$/;

/** The start of the first line in [start, end) that shows `title` (alone, after its number, or wrapped onto the next line). */
function findTitleLine(lines: Line[], title: string, start: number, end: number): number | null {
  const key = titleKey(title);
  if (!key) return null;
  const first = binarySearchLine(lines, start);
  const last = Math.min(binarySearchLine(lines, end), first + MAX_LINES_SEARCHED);
  const shows = (candidate: string) => {
    const lineKey = titleKey(candidate);
    return lineKey === key || (lineKey.endsWith(` ${key}`) && NUMBER_PREFIX.test(lineKey.slice(0, -key.length - 1)));
  };
  for (let i = first; i < last; i++) if (shows(lines[i].text)) return lines[i].start;
  for (let i = first; i < last; i++) if (shows(`${lines[i].text} ${lines[i + 1]?.text ?? ""}`)) return lines[i].start;
  return null;
}

/** The index of the first line starting at or after `offset`. */
function binarySearchLine(lines: Line[], offset: number): number {
  let low = 0;
  let high = lines.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (lines[mid].start < offset) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** A numbered heading: "2", "2.1" or "2.1." then a title that starts with a letter and does not end like a sentence or a contents line. */
const NUMBERED_HEADING = /^(\d{1,2}(?:\.\d{1,2}){0,3})\.?[ \t]+(\p{L}[^\n]{0,98}?)$/u;
/** A manual page's section: a short line in capitals after a blank line ("DESCRIPTION", "EXIT STATUS"). */
const CAPITALS_HEADING = /^\p{Lu}[\p{Lu}\p{N} &/,'’-]{1,38}$/u;
const CONTENTS_LINE = /(\.\s?){3,}|\s\d+$|\s[ivxlc]+$/;
/** Numberings followed at once, at most (each "1" may begin one). */
const MAX_RUNS = 50;

/**
 * The headings a text shows itself: numbered lines whose numbers follow on from each other (the
 * run that spans most of the text, so a table of contents or a numbered list loses to the body),
 * and (in plain text) capitalised lines after a blank line and before prose, as manual pages
 * have them, each title once.
 */
function textHeadings(lines: Line[], { capitals: withCapitals }: { capitals: boolean }) {
  const runs: { title: string; level: number; index: number; number: number[] }[][] = [];
  const capitals: { title: string; level: number; index: number }[] = [];
  lines.forEach((line, i) => {
    const previous = lines[i - 1]?.text ?? "";
    const next = lines[i + 1]?.text ?? "";
    if (withCapitals && CAPITALS_HEADING.test(line.text) && /\p{Lu}.*\p{Lu}/u.test(line.text) && previous === "" && /\p{Ll}/u.test(next)) {
      capitals.push({ title: line.text, level: 1, index: line.start });
      return;
    }
    const numbered = NUMBERED_HEADING.exec(line.text);
    if (!numbered || CONTENTS_LINE.test(line.text) || !isTitle(numbered[2])) return;
    const heading = { title: line.text, level: numbered[1].split(".").length, index: line.start, number: numbered[1].split(".").map(Number) };
    for (const run of runs) if (follows(run.at(-1)!.number, heading.number)) run.push(heading);
    if (startsOver(heading.number) && runs.length < MAX_RUNS) runs.push([heading]);
  });
  const span = (run: (typeof runs)[number]) => (run.length < 2 ? 0 : run.at(-1)!.index - run[0].index);
  const numbered = runs.reduce((best, run) => (span(run) > span(best) ? run : best), []);
  const once = capitals.filter(({ title }) => capitals.filter((other) => other.title === title).length === 1);
  return [...numbered.map(({ title, level, index }) => ({ title, level, index })), ...once].sort((a, b) => a.index - b.index);
}

/** A heading's words after its number: not a sentence (nothing ends inside it or at its end), not a word broken at the line's end. */
function isTitle(words: string): boolean {
  return !/[.,;:!?‐-]$/.test(words) && !/[.!?]\s/.test(words) && words.split(" ").length <= 12;
}

/** Whether heading number `next` may follow `previous`: the next at some depth, or the first one level down. */
function follows(previous: number[], next: number[]): boolean {
  if (next.length === previous.length + 1) return previous.every((n, i) => n === next[i]) && next.at(-1)! <= 1;
  if (next.length > previous.length) return false;
  const depth = next.length - 1;
  return previous.slice(0, depth).every((n, i) => n === next[i]) && next[depth] === previous[depth] + 1;
}

/** "1" or "1.1" (or a chapter 0): where a numbering begins. */
function startsOver(number: number[]): boolean {
  return number[0] <= 1 && number.slice(1).every((n) => n <= 1);
}

/** Code point offsets of ascending UTF-16 indexes in `text`. */
export function codePointOffsets(text: string, indexes: number[]): number[] {
  const offsets: number[] = [];
  let codePoints = 0;
  let unit = 0;
  for (const index of indexes) {
    for (; unit < index && unit < text.length; unit++) {
      const code = text.charCodeAt(unit);
      if (!(code >= 0xdc00 && code <= 0xdfff && unit > 0 && isHighSurrogate(text.charCodeAt(unit - 1)))) codePoints += 1;
    }
    offsets.push(codePoints);
  }
  return offsets;
}

/** UTF-16 indexes of ascending code point offsets in `text` (the inverse of codePointOffsets). */
export function utf16Indexes(text: string, offsets: number[]): number[] {
  const indexes: number[] = [];
  let codePoints = 0;
  let unit = 0;
  for (const offset of offsets) {
    for (; codePoints < offset && unit < text.length; codePoints++) unit += isHighSurrogate(text.charCodeAt(unit)) && unit + 1 < text.length ? 2 : 1;
    indexes.push(unit);
  }
  return indexes;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
