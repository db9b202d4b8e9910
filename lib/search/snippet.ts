/**
 * Snippets with match offsets: PostgreSQL's ts_headline picks the stretch of a passage that best
 * covers the query and marks the words it matched with two control characters; the marks become
 * [start, end) offsets (UTF-16, end exclusive) into the plain snippet, which the browser highlights.
 */

/** What ts_headline puts around a matched word (never in extracted text, which is cleaned of control characters). */
export const START_MARK = "\u0001";
export const STOP_MARK = "\u0002";

export interface Snippet {
  snippet: string;
  matches: [number, number][];
}

/** The plain text and the marked words' offsets of a marked snippet; marks out of order are dropped. */
export function parseMarked(marked: string): Snippet {
  let snippet = "";
  const matches: [number, number][] = [];
  let open: number | null = null;
  for (const char of marked) {
    if (char === START_MARK) {
      open ??= snippet.length;
    } else if (char === STOP_MARK) {
      if (open !== null && snippet.length > open) matches.push([open, snippet.length]);
      open = null;
    } else {
      snippet += char;
    }
  }
  return trimSnippet(snippet, mergeAdjacent(matches));
}

/** Joins matches that touch (a word ts_headline marked in two parts). */
function mergeAdjacent(matches: [number, number][]): [number, number][] {
  const merged: [number, number][] = [];
  for (const [start, end] of matches) {
    const last = merged.at(-1);
    if (last && last[1] === start) last[1] = end;
    else merged.push([start, end]);
  }
  return merged;
}

/** The snippet without its surrounding white space, its matches shifted to match. */
function trimSnippet(snippet: string, matches: [number, number][]): Snippet {
  const lead = snippet.length - snippet.trimStart().length;
  const text = snippet.trim();
  return {
    snippet: text,
    matches: matches.map(([start, end]): [number, number] => [Math.max(0, start - lead), Math.min(text.length, end - lead)]).filter(([start, end]) => end > start),
  };
}

/** A snippet of the passage's beginning with no match, for a document found by meaning alone with none of the query's words. */
export function plainSnippet(text: string, maxChars = 240): Snippet {
  const clean = text.trim();
  if (clean.length <= maxChars) return { snippet: clean, matches: [] };
  const cut = clean.lastIndexOf(" ", maxChars);
  return { snippet: clean.slice(0, cut > maxChars / 2 ? cut : maxChars), matches: [] };
}
