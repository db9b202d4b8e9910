/**
 * Search an owner's library: the full-text list, the semantic list, or both fused (reciprocal
 * rank fusion), each result quoted from its best passage with the query's words marked.
 */
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import type { DocumentStatus } from "@/lib/generated/prisma/client";
import { reciprocalRankFusion } from "./fusion";
import { hasOperators, wantedWords, type SearchMode } from "./query";
import { semanticHits } from "./semantic";
import { bestPassages, knowsAnyWord, matchingIds, snippetOf, textHits } from "./text-rank";

export interface SearchResult {
  id: string;
  title: string;
  /** 0..1, higher is better: the text rank, the cosine, or the fused score, by mode. */
  score: number;
  snippet: string;
  /** [start, end) UTF-16 offsets into `snippet` of the words to highlight. */
  matches: [number, number][];
  status: DocumentStatus;
}

export interface SearchAnswer {
  results: SearchResult[];
  /** Documents that match the text query or reach the semantic score floor. */
  total: number;
}

export interface SearchOptions {
  q: string;
  limit: number;
  mode: SearchMode;
}

/** How deep each list is read before fusing. */
const CANDIDATES = 100;

/** The owner's documents that best answer the query, ranked. */
export async function searchLibrary(ownerId: string, { q, limit, mode }: SearchOptions): Promise<SearchAnswer> {
  const language = env.SEARCH_LANGUAGE;
  const depth = mode === "hybrid" ? Math.max(limit, CANDIDATES) : limit;
  const [text, nearest, known] = await Promise.all([
    mode === "semantic" ? null : textHits(ownerId, q, language, depth),
    mode === "text" ? null : semanticHits(ownerId, q, Math.max(limit, CANDIDATES), env.SEARCH_SEMANTIC_MIN_SCORE),
    mode === "text" ? true : knowsAnyWord(ownerId, wantedWords(q), language),
  ]);
  // A query none of whose words the library holds anywhere (a typo, noise) has no meaning to rank by.
  const semantic = nearest && (known ? nearest : []);
  let ranked: { id: string; score: number }[];
  let total: number;
  if (text && semantic) {
    const alsoText = await matchingIds(ownerId, semantic.map((hit) => hit.id), q, language);
    // A phrase, an excluded word or OR asks for exact text: meaning then only reorders what matches it.
    const meaning = hasOperators(q) ? semantic.filter((hit) => alsoText.has(hit.id)) : semantic;
    ranked = reciprocalRankFusion([{ items: text.hits }, { items: meaning }]);
    total = text.total + meaning.filter((hit) => !alsoText.has(hit.id)).length;
  } else if (text) {
    ranked = text.hits;
    total = text.total;
  } else {
    ranked = semantic!;
    total = semantic!.length;
  }
  const top = ranked.slice(0, limit);
  return { results: await describe(ownerId, top, q, language), total };
}

/** Titles, statuses and snippets of ranked documents, in their order. */
async function describe(ownerId: string, ranked: { id: string; score: number }[], q: string, language: string): Promise<SearchResult[]> {
  const ids = ranked.map((hit) => hit.id);
  const [documents, passages] = await Promise.all([
    prisma.document.findMany({ where: { id: { in: ids }, ownerId }, select: { id: true, title: true, status: true } }),
    bestPassages(ids, q, wantedWords(q), language),
  ]);
  const byId = new Map(documents.map((doc) => [doc.id, doc]));
  return ranked.flatMap((hit) => {
    const doc = byId.get(hit.id);
    if (!doc) return [];
    return [{ id: doc.id, title: doc.title, score: Math.round(hit.score * 1000) / 1000, ...snippetOf(passages.get(hit.id)), status: doc.status }];
  });
}
