/**
 * What a document is about, by name: the program, package or topic of its title. Candidates are
 * the words of the file's title and of the text's own title lines; the one the text uses most
 * (counted twice when both titles have it) is the subject.
 */
import type { ReadText } from "./reading";

export interface Subject {
  /** The word that names the subject, as the text writes it most often ("Valgrind", "bzip2"). */
  term: string;
  /** What to call the document before a description that does not name its subject: its title line, otherwise the term. */
  name: string;
  /** The text's own title line ("The graphicx package", "Back referencing from bibliographical citations"), if it has one. */
  title: string | null;
}

/** Words of titles that name a kind of document, not its subject. */
const GENERIC = new Set(
  `a an and the of for in on to with from by at or as is be about into using via vs your our my its this that
manual manuals documentation docs doc guide guides handbook reference readme read me notes note howto faq faqs info page pages
general commands command introduction overview tutorial primer spec specification draft final version release revision
package packages library libraries program programs file files text document documents paper report book chapter part
user users system new test tests example examples user's programmer's developer's v1 v2 v3 copy copying licence license`.split(/\s+/),
);
/** Lines that are a manual page's running header ("BASH(1) General Commands Manual BASH(1)"), not a title. */
const MAN_HEADER = /^\S+\(\d\w*\)\s.*\s\S+\(\d\w*\)$/;
const MAX_NAME_CHARS = 80;
/** A word's head start, in the log of its count, for being in the file's title and in the text's title lines. */
const FILE_TITLE_WEIGHT = 2;
const TEXT_TITLE_WEIGHT = 1;
/** A word of the file's title alone that the text uses less often than this is not what it is about (a note titled "meeting-notes-…"). */
const MIN_MENTIONS = 3;
/** Counting stops after this many characters of text: a subject shows by then. */
const COUNTED_CHARS = 300_000;

/** The subject of a document, from its file's title (the file name) and its text; null when no word qualifies. */
export function findSubject(text: string, read: ReadText, fileTitle = ""): Subject | null {
  const fromFile = new Set(wordsOf(fileTitle));
  const titleLines = read.titleLines.filter((line) => !MAN_HEADER.test(line));
  const fromText = new Set([...titleLines.flatMap(wordsOf), ...manPageNames(read)]);
  const counts = countWords(text.slice(0, COUNTED_CHARS), new Set([...fromFile, ...fromText]));
  let best: { word: string; score: number } | null = null;
  for (const [word, count] of counts) {
    const score = Math.log(1 + count) + (fromFile.has(word) ? FILE_TITLE_WEIGHT : 0) + (fromText.has(word) ? TEXT_TITLE_WEIGHT : 0);
    if (count >= (fromText.has(word) ? 1 : MIN_MENTIONS) && (!best || score > best.score)) best = { word, score };
  }
  if (!best) return null;
  const term = usualSpelling(text.slice(0, COUNTED_CHARS), best.word);
  const title = titleLines.find((line) => line.length <= MAX_NAME_CHARS && /\s/.test(line.trim()));
  return { term, name: title ? cleanTitle(title) : term, title: title ? cleanTitle(title) : null };
}

/** Whether `text` has `term` as a word of its own, in any case. */
export function mentions(text: string, term: string): boolean {
  return wordPattern(term, "iu").test(text);
}

/** Whether `text` opens with `term` ("bzip2 compresses …", "The natbib package …", "GNU tar is …"). */
export function opensWith(text: string, term: string): boolean {
  return new RegExp(`^(the |gnu )?${escapeRegExp(term)}(?![\\p{L}\\p{N}])`, "iu").test(text);
}

/** The lower-case words of a title that could name a subject. */
function wordsOf(title: string): string[] {
  return (title.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}+]*/gu) ?? []).filter((word) => word.length >= 2 && !/^[\d.]+$/.test(word) && !GENERIC.has(word));
}

/** The names a manual page gives itself: the words before " - " under NAME ("bash - GNU Bourne-Again SHell"). */
function manPageNames(read: ReadText): string[] {
  const name = read.sentences.find((sentence) => /^name$/i.test(sentence.heading));
  const names = name ? /^([^–—-]+?)\s+[-–—]\s/.exec(name.text) : null;
  return names ? wordsOf(names[1]) : [];
}

function countWords(text: string, words: Set<string>): Map<string, number> {
  return new Map([...words].map((word) => [word, text.match(wordPattern(word, "giu"))?.length ?? 0]));
}

/** The way the text writes `word` most often ("Valgrind" rather than "valgrind"). */
function usualSpelling(text: string, word: string): string {
  const spellings = new Map<string, number>();
  for (const [found] of text.matchAll(wordPattern(word, "giu"))) spellings.set(found, (spellings.get(found) ?? 0) + 1);
  return [...spellings].sort((a, b) => b[1] - a[1])[0]?.[0] ?? word;
}

function wordPattern(word: string, flags: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(word)}(?![\\p{L}\\p{N}])`, flags);
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A title line without the footnote marks typesetting leaves on it ("The graphicx package∗"). */
function cleanTitle(line: string): string {
  return line.replace(/[∗*†‡§¶]+$/u, "").trim();
}
