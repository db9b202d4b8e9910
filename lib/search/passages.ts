/**
 * Passages: a document's text split by the providers' chunking (lib/ai/chunking.ts) into short
 * overlapping stretches, stored as Chunk rows with their offsets in characters (code points, as
 * the document page counts them). Search ranks and quotes them; the trigger indexes each.
 */
import { splitIntoChunks } from "@/lib/ai/chunking";
import { env } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";

export interface Passage {
  index: number;
  /** [start, end) in characters (code points) of the document's text. */
  start: number;
  end: number;
  text: string;
  tokens: number;
}

/** Rows written per statement. */
const INSERT_BATCH = 500;

/** The code-point offsets of ascending UTF-16 offsets of `text`. */
export function codePointOffsets(text: string, offsets: readonly number[]): number[] {
  const result: number[] = [];
  let unit = 0;
  let points = 0;
  for (const target of offsets) {
    while (unit < target && unit < text.length) {
      const code = text.charCodeAt(unit);
      // A high surrogate followed by a low one is one character.
      unit += code >= 0xd800 && code <= 0xdbff && unit + 1 < text.length ? 2 : 1;
      points += 1;
    }
    result.push(points);
  }
  return result;
}

/** The text's passages, in order; blank text has none. */
export function passagesOf(text: string, maxTokens = env.SEARCH_PASSAGE_TOKENS, overlapTokens = env.SEARCH_PASSAGE_OVERLAP_TOKENS): Passage[] {
  const chunks = splitIntoChunks(text, { maxTokens, overlapTokens });
  // Each chunk starts and ends after the one before (the overlap is the earlier one's tail).
  const starts = codePointOffsets(text, chunks.map((chunk) => chunk.start));
  const ends = codePointOffsets(text, chunks.map((chunk) => chunk.end));
  return chunks.map((chunk, index) => ({ index, start: starts[index], end: ends[index], text: chunk.text, tokens: chunk.tokens }));
}

/** Removes a document's passages (before its text or language changes, so the old ones are not indexed again). */
export async function removePassages(tx: Prisma.TransactionClient, documentId: string): Promise<void> {
  await tx.chunk.deleteMany({ where: { documentId } });
}

/** Stores a document's passages; its trigger indexes each in the document's search language, so write that first. */
export async function insertPassages(tx: Prisma.TransactionClient, document: { id: string; ownerId: string }, passages: Passage[]): Promise<void> {
  for (let i = 0; i < passages.length; i += INSERT_BATCH) {
    await tx.chunk.createMany({
      data: passages.slice(i, i + INSERT_BATCH).map((p) => ({ documentId: document.id, ownerId: document.ownerId, index: p.index, start: p.start, end: p.end, text: p.text, tokens: p.tokens })),
    });
  }
}

/** Indexes a document for search in `language`: new passages, and its search vector (made by the trigger in the same statement). */
export async function indexDocument(tx: Prisma.TransactionClient, document: { id: string; ownerId: string }, passages: Passage[], language: string): Promise<void> {
  await removePassages(tx, document.id);
  await tx.document.update({ where: { id: document.id }, data: { searchLanguage: language } });
  await insertPassages(tx, document, passages);
}
