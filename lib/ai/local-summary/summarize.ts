/**
 * The local provider's summary, picked from the document's own sentences: its description of
 * itself first (naming its subject), then key points that cover its main sections.
 */
import type { OutlineEntry } from "@/lib/document-types";
import { DEFAULT_KEY_POINTS, formatSummary } from "@/lib/summary-form";
import type { ProgressCallback } from "../provider";
import { describe, nameSubject, openingSentence } from "./description";
import { keyPoints } from "./key-points";
import { readText, splitBeforeNames, type ReadText } from "./reading";
import { headingKeys } from "./sentence-rules";
import { findSubject, type Subject } from "./subject";

export interface LocalSummaryOptions {
  /** The document's title (its file name), which usually names its subject. */
  title?: string;
  outline?: OutlineEntry[];
  /** The most sentences: the description's first and the key points. */
  maxSentences?: number;
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/** Summary length budget per sentence, for text without sentences (a listing): its opening words up to this. */
const CHARS_PER_SENTENCE = 180;
/** Words that are never a name, even in a title ("bzip2 and libbzip2"). */
const FUNCTION_WORDS = new Set("a an and as at by for from in into is of on or the to with".split(" "));

/** A description paragraph and key points (see lib/summary-form.ts); for a short note its first sentence, for a text without sentences its opening words. */
export async function summarizeLocally(text: string, opts: LocalSummaryOptions = {}): Promise<string> {
  const { signal, onProgress } = opts;
  const maxSentences = opts.maxSentences ?? 1 + DEFAULT_KEY_POINTS;
  signal?.throwIfAborted();
  const firstReading = readText(text, opts.outline ?? []);
  const subject = findSubject(text, firstReading, opts.title);
  const names = namesOf(firstReading, subject, opts.title ?? "");
  const read = splitBeforeNames(firstReading, names);
  const keys = headingKeys(read.headings);
  await onProgress?.(0.2);

  const description = describe(read, subject, names, keys);
  const points = await keyPoints(read, {
    count: Math.max(0, maxSentences - (description ? 1 : 0)),
    names,
    headingKeys: keys,
    description: description?.sentences ?? [],
    signal,
    onProgress: (fraction) => onProgress?.(0.2 + 0.8 * fraction),
  });
  await onProgress?.(1);
  if (description) return formatSummary({ description: description.text, keyPoints: points.map((point) => point.text) });
  // Without a description, the first key point says what it can.
  if (points.length > 0) return formatSummary({ description: nameSubject(points[0].text, subject), keyPoints: points.slice(1).map((point) => point.text) });
  return openingSentence(read, names, keys) ?? leadingExcerpt(text, maxSentences * CHARS_PER_SENTENCE);
}

/** Lower-case words that the document uses as names (its subject, its file's and headings' identifiers), so they may open a sentence. */
function namesOf(read: ReadText, subject: Subject | null, title: string): Set<string> {
  const names = new Set<string>();
  if (subject) names.add(subject.term.toLowerCase());
  const identifiers = [title, ...read.titleLines, ...read.headings.filter((heading) => !/\s/.test(heading.trim()))].join(" ");
  for (const [word] of identifiers.matchAll(/(?<![\p{L}\p{N}])\p{Ll}[\p{L}\p{N}_+-]*/gu)) {
    if (!FUNCTION_WORDS.has(word)) names.add(word.toLowerCase());
  }
  return names;
}

/** The document's opening words up to about `maxChars`, for text with no sentence worth picking. */
function leadingExcerpt(text: string, maxChars: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= maxChars) return flat;
  const cut = flat.slice(0, maxChars);
  return `${cut.slice(0, cut.lastIndexOf(" ") > 0 ? cut.lastIndexOf(" ") : maxChars)}…`;
}
