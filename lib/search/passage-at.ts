/** Where a search lands in a document: its best passage for the query, with the wanted words' places, in characters of the text. */
import { env } from "@/lib/env";
import { isId } from "@/lib/pipeline/ids";
import { prisma } from "@/lib/db";
import { codePointOffsets } from "./passages";
import { wantedWords } from "./query";
import { parseMarked } from "./snippet";
import { bestPassages } from "./text-rank";

export interface PassageHighlight {
  /** [start, end) of the passage, in characters (code points) of the document's text. */
  start: number;
  end: number;
  /** [start, end) of each matched word, in characters of the document's text. */
  marks: [number, number][];
}

/** The owner's document's best passage for `q`, or null (no such document, no passages). */
export async function passageFor(ownerId: string, documentId: string, q: string): Promise<PassageHighlight | null> {
  const query = q.trim().slice(0, 500);
  if (!query || !isId(documentId)) return null;
  const owned = await prisma.document.count({ where: { id: documentId, ownerId } });
  if (owned === 0) return null;
  const passage = (await bestPassages([documentId], query, wantedWords(query), env.SEARCH_LANGUAGE, { whole: true })).get(documentId);
  if (!passage) return null;
  const { snippet, matches } = parseMarked(passage.marked ?? passage.text);
  // The whole passage came back marked; its trimmed text starts where the passage's text does.
  const lead = passage.text.indexOf(snippet);
  const points = codePointOffsets(passage.text, matches.flat().map((offset) => offset + Math.max(0, lead)));
  const marks: [number, number][] = [];
  for (let i = 0; i < points.length; i += 2) marks.push([passage.start + points[i], passage.start + points[i + 1]]);
  return { start: passage.start, end: passage.end, marks };
}
