/**
 * Token-aware splitting of long text: chunks of at most `maxTokens` tokens that break between
 * paragraphs where they can, else between sentences, and only as a last resort inside one,
 * each starting with the last few sentences of the one before (the overlap).
 */
import { countTokens as countCl100k } from "gpt-tokenizer/encoding/cl100k_base";

export interface ChunkOptions {
  maxTokens: number;
  overlapTokens: number;
}

export interface TextChunk {
  text: string;
  /** Where the chunk's text starts and ends in the whole text, [start, end) in UTF-16 units. */
  start: number;
  end: number;
  /** An upper bound of the chunk's tokens (the sum over its pieces). */
  tokens: number;
}

/** A stretch of the text [start, end) with its token count; `splittable` while it is a paragraph. */
interface Piece {
  start: number;
  end: number;
  tokens: number;
  splittable: boolean;
}

/** Intl.Segmenter slows down sharply on long strings, so it gets blocks of about this many characters. */
const MAX_SEGMENTER_INPUT = 4000;
const PARAGRAPH_BREAK = /\n[ \t]*\n\s*/g;

/** Tokens of a text with cl100k_base, the encoding of OpenAI's embedding models; special-token text counts as plain text. */
export function countTokens(text: string): number {
  return countCl100k(text, { disallowedSpecial: new Set() });
}

/** Splits text into overlapping chunks of at most `maxTokens` tokens; blank text gives no chunk. */
export function splitIntoChunks(text: string, { maxTokens, overlapTokens }: ChunkOptions): TextChunk[] {
  const chunks: Piece[][] = [];
  let current: Piece[] = [];
  let currentTokens = 0;
  const add = (piece: Piece) => {
    if (currentTokens + piece.tokens > maxTokens && current.length > 0) {
      chunks.push(current);
      current = overlap(text, current, overlapTokens, maxTokens - piece.tokens);
      currentTokens = sum(current);
    }
    current.push(piece);
    currentTokens += piece.tokens;
  };
  for (const paragraph of paragraphs(text)) {
    // A paragraph that fits in a chunk of its own is never cut.
    if (paragraph.tokens <= maxTokens) add(paragraph);
    else for (const piece of boundedSentences(text, paragraph, maxTokens)) add(piece);
  }
  if (current.length > 0) chunks.push(current);
  return chunks.map((pieces) => trimmed(text, pieces[0].start, pieces.at(-1)!.end, sum(pieces))).filter((chunk) => chunk.text.length > 0);
}

/** The stretch [start, end) of the text without its surrounding white space, with where that is. */
function trimmed(text: string, start: number, end: number, tokens: number): TextChunk {
  const raw = text.slice(start, end);
  const from = start + (raw.length - raw.trimStart().length);
  const to = Math.max(from, end - (raw.length - raw.trimEnd().length));
  return { text: text.slice(from, to), start: from, end: to, tokens };
}

function sum(pieces: Piece[]): number {
  return pieces.reduce((total, piece) => total + piece.tokens, 0);
}

/** Paragraphs, each with the blank lines after it, covering the whole text. */
function paragraphs(text: string): Piece[] {
  const pieces: Piece[] = [];
  let start = 0;
  for (const match of text.matchAll(PARAGRAPH_BREAK)) {
    const end = match.index + match[0].length;
    pieces.push(piece(text, start, end, true));
    start = end;
  }
  if (start < text.length) pieces.push(piece(text, start, text.length, true));
  return pieces;
}

function piece(text: string, start: number, end: number, splittable: boolean): Piece {
  return { start, end, tokens: countTokens(text.slice(start, end)), splittable };
}

/** The sentences of a paragraph (with their trailing spaces), each cut further if it alone exceeds `maxTokens`. */
function boundedSentences(text: string, paragraph: Piece, maxTokens: number): Piece[] {
  return sentences(text, paragraph).flatMap((sentence) => (sentence.tokens <= maxTokens ? [sentence] : hardCut(text, sentence, maxTokens)));
}

function sentences(text: string, { start, end }: Piece): Piece[] {
  const segmenter = new Intl.Segmenter(undefined, { granularity: "sentence" });
  const pieces: Piece[] = [];
  for (let blockStart = start; blockStart < end; ) {
    const blockEnd = blockBoundary(text, blockStart, end);
    for (const { index, segment } of segmenter.segment(text.slice(blockStart, blockEnd))) {
      pieces.push(piece(text, blockStart + index, blockStart + index + segment.length, false));
    }
    blockStart = blockEnd;
  }
  return pieces;
}

/** Where a block for the segmenter ends: after the last ". " within the limit, else after the last space, else at the limit. */
function blockBoundary(text: string, start: number, end: number): number {
  const limit = start + MAX_SEGMENTER_INPUT;
  if (end <= limit) return end;
  const stop = text.lastIndexOf(". ", limit - 2);
  if (stop > start) return stop + 2;
  const space = text.lastIndexOf(" ", limit - 1);
  return space > start ? space + 1 : limit;
}

/** Cuts a run-on stretch into the longest prefixes within `maxTokens`, at a space where there is one. */
function hardCut(text: string, { start, end }: Piece, maxTokens: number): Piece[] {
  const pieces: Piece[] = [];
  while (start < end) {
    // Binary search for the longest prefix that fits.
    let low = start + 1;
    let high = end;
    while (low < high) {
      const mid = Math.ceil((low + high) / 2);
      if (countTokens(text.slice(start, mid)) <= maxTokens) low = mid;
      else high = mid - 1;
    }
    const space = text.lastIndexOf(" ", low - 1);
    const cut = low < end && space > start ? space + 1 : low;
    pieces.push(piece(text, start, cut, false));
    start = cut;
  }
  return pieces;
}

/**
 * The tail of a finished chunk to repeat at the start of the next: whole sentences worth at
 * most `overlapTokens`, and never so many that the next piece (`room` tokens left) does not fit.
 */
function overlap(text: string, pieces: Piece[], overlapTokens: number, room: number): Piece[] {
  const budget = Math.min(overlapTokens, room);
  const tail: Piece[] = [];
  let tokens = 0;
  const queue = [...pieces];
  while (queue.length > 0) {
    const last = queue.pop()!;
    if (tokens + last.tokens <= budget) {
      tail.unshift(last);
      tokens += last.tokens;
    } else if (last.splittable) {
      queue.push(...sentences(text, last));
    } else {
      break;
    }
  }
  return tail;
}
