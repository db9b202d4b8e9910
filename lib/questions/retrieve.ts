/**
 * The passages a question is answered from: the owner's stored passages ranked by the question's
 * words (the full-text index) and by its meaning (the similar documents' vector index, each
 * document found quoted at its best passage), fused, a few per document at most. Only the
 * owner's documents that still exist take part.
 */
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { reciprocalRankFusion } from "@/lib/search/fusion";
import { semanticHits } from "@/lib/search/semantic";
import { bestPassages, passageHits } from "@/lib/search/text-rank";

/** A passage an answer may cite. */
export interface Source {
  documentId: string;
  title: string;
  index: number;
  /** [start, end) in characters (code points) of the document's text. */
  start: number;
  end: number;
  text: string;
}

/** How deep each list is read before fusing. */
const CANDIDATES = 50;
/** Documents the meaning list quotes (each at its best passage). */
const SEMANTIC_DOCUMENTS = 20;

const key = (documentId: string, index: number) => `${documentId}:${index}`;

/**
 * The best `limit` passages for `question` among the owner's documents (only `documentIds` when
 * given; those deleted since take no part). Asked of named documents whose passages share no word
 * or meaning with it, the answer comes from their first passages.
 */
export async function retrieveSources(
  ownerId: string,
  question: string,
  documentIds: string[] | null,
  { limit = env.QUESTION_SOURCES, perDocument = env.QUESTION_SOURCES_PER_DOCUMENT } = {},
): Promise<Source[]> {
  const scope = documentIds ? await existing(ownerId, documentIds) : null;
  if (scope && scope.length === 0) return [];
  const language = env.SEARCH_LANGUAGE;
  const [byWords, byMeaning] = await Promise.all([
    passageHits(ownerId, question, language, CANDIDATES, scope),
    meaningList(ownerId, question, scope, language),
  ]);
  const fused = reciprocalRankFusion([
    { items: byWords.map((hit) => ({ id: key(hit.documentId, hit.index) })) },
    { items: byMeaning.map((hit) => ({ id: key(hit.documentId, hit.index) })) },
  ]);
  // A few passages per document, so one long document does not crowd out the rest of the library.
  const perDocumentCap = scope?.length === 1 ? limit : perDocument;
  const counts = new Map<string, number>();
  const chosen: { documentId: string; index: number }[] = [];
  for (const { id } of fused) {
    const [documentId, index] = id.split(":");
    if ((counts.get(documentId) ?? 0) >= perDocumentCap) continue;
    counts.set(documentId, (counts.get(documentId) ?? 0) + 1);
    chosen.push({ documentId, index: Number(index) });
    if (chosen.length === limit) break;
  }
  if (chosen.length === 0 && scope) return firstPassages(ownerId, scope, limit);
  return load(ownerId, chosen);
}

/** The named documents the owner still has. */
async function existing(ownerId: string, documentIds: string[]): Promise<string[]> {
  const rows = await prisma.document.findMany({ where: { ownerId, id: { in: documentIds } }, select: { id: true } });
  return rows.map((row) => row.id);
}

/** Documents nearest the question's meaning, each at its best passage for the question. */
async function meaningList(ownerId: string, question: string, scope: string[] | null, language: string) {
  const depth = scope ? Math.max(SEMANTIC_DOCUMENTS, CANDIDATES) : SEMANTIC_DOCUMENTS;
  const near = (await semanticHits(ownerId, question, depth, env.SEARCH_SEMANTIC_MIN_SCORE)).filter((hit) => !scope || scope.includes(hit.id));
  const ids = near.slice(0, SEMANTIC_DOCUMENTS).map((hit) => hit.id);
  const best = await bestPassages(ids, question, question, language);
  return ids.flatMap((id) => {
    const passage = best.get(id);
    return passage ? [{ documentId: id, index: passage.index }] : [];
  });
}

/** The passages' text, offsets and documents' titles, in the order given. */
async function load(ownerId: string, wanted: { documentId: string; index: number }[]): Promise<Source[]> {
  if (wanted.length === 0) return [];
  const rows = await prisma.chunk.findMany({
    where: { ownerId, OR: wanted.map(({ documentId, index }) => ({ documentId, index })) },
    select: { documentId: true, index: true, start: true, end: true, text: true, document: { select: { title: true } } },
  });
  const byKey = new Map(rows.map((row) => [key(row.documentId, row.index), row]));
  return wanted.flatMap(({ documentId, index }) => {
    const row = byKey.get(key(documentId, index));
    return row ? [{ documentId, title: row.document.title, index, start: row.start, end: row.end, text: row.text }] : [];
  });
}

/** The named documents' first passages, taking each document in turn. */
async function firstPassages(ownerId: string, scope: string[], limit: number): Promise<Source[]> {
  const rows = await prisma.chunk.findMany({
    where: { ownerId, documentId: { in: scope }, index: { lt: limit } },
    select: { documentId: true, index: true },
    orderBy: [{ index: "asc" }, { documentId: "asc" }],
    take: limit,
  });
  return load(ownerId, rows);
}
