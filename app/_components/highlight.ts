/**
 * Highlighting without HTML from the server: a text and [start, end) ranges become parts, each
 * marked or not, for the page to render as <mark> and plain text. React-free.
 */

export interface TextPart {
  text: string;
  marked: boolean;
}

/** The text in parts, marked where a range says (UTF-16 offsets, end exclusive); bad or overlapping ranges are clipped. */
export function markedParts(text: string, ranges: readonly (readonly [number, number])[]): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const [rawStart, rawEnd] of [...ranges].sort((a, b) => a[0] - b[0])) {
    const start = Math.max(at, Math.min(rawStart, text.length));
    const end = Math.min(rawEnd, text.length);
    if (end <= start) continue;
    if (start > at) parts.push({ text: text.slice(at, start), marked: false });
    parts.push({ text: text.slice(start, end), marked: true });
    at = end;
  }
  if (at < text.length || parts.length === 0) parts.push({ text: text.slice(at), marked: false });
  return parts;
}

/** Code-point ranges of a text that starts at code point `offset` as UTF-16 ranges of that text. */
export function utf16Ranges(text: string, offset: number, ranges: readonly (readonly [number, number])[]): [number, number][] {
  const unitAt: number[] = [];
  let unit = 0;
  for (const char of text) {
    unitAt.push(unit);
    unit += char.length;
  }
  unitAt.push(unit);
  const at = (point: number) => unitAt[Math.max(0, Math.min(unitAt.length - 1, point - offset))];
  return ranges.map(([start, end]): [number, number] => [at(start), at(end)]).filter(([start, end]) => end > start);
}

/** A document's page opened at its best passage for a search. */
export function resultHref(id: string, query: string): string {
  return `/documents/${id}?${new URLSearchParams({ q: query })}`;
}
