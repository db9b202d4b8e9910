/**
 * The full-text list: the owner's documents whose search vector (title A, summary B, text C)
 * matches the query read as web search (websearch_to_tsquery: quoted phrases, -exclusion, OR),
 * ranked by ts_rank_cd with length normalization; a document whose text was too long for its own
 * vector is matched through its passages. Also the best passage of each document found, quoted.
 */
import { Prisma } from "@/lib/generated/prisma/client";
import { prisma } from "@/lib/db";
import { parseMarked, plainSnippet, START_MARK, STOP_MARK, type Snippet } from "./snippet";

type Db = Pick<Prisma.TransactionClient, "$queryRaw">;

export interface TextHit {
  id: string;
  /** ts_rank_cd scaled to 0..1 (rank / (rank + 1)). */
  score: number;
}

/**
 * ts_rank_cd's normalization: 1 divides by 1 + log(length), so a long document does not win by
 * length alone; 32 scales the rank into 0..1.
 */
const NORMALIZATION = 1 | 32;
/** The weights of D, C, B and A (text is C, summary B, title A). */
const WEIGHTS = Prisma.sql`'{0.1, 0.4, 0.7, 1.0}'::float4[]`;

function config(language: string) {
  return Prisma.sql`"search_config"(${language})`;
}

/** The query as PostgreSQL reads web search syntax. */
function webQuery(language: string, query: string) {
  return Prisma.sql`websearch_to_tsquery(${config(language)}, ${query})`;
}

/** Any of the wanted words (lexemes OR'ed): what passages are chosen and highlighted by. */
function anyWordQuery(language: string, words: string) {
  return Prisma.sql`coalesce((SELECT string_agg(quote_literal(l), ' | ')::tsquery FROM unnest(tsvector_to_array(to_tsvector(${config(language)}, ${words}))) AS l), ''::tsquery)`;
}

/** The best `k` text matches of the owner's documents, and how many documents match in all. */
export async function textHits(ownerId: string, query: string, language: string, k: number, db: Db = prisma): Promise<{ hits: TextHit[]; total: number }> {
  const tsquery = webQuery(language, query);
  const rows = await db.$queryRaw<{ id: string; rank: number; total: bigint }[]>`
    WITH matched AS (
      SELECT d."id", ts_rank_cd(${WEIGHTS}, d."searchVector", ${tsquery}, ${NORMALIZATION}::int) AS rank
      FROM "Document" d
      WHERE d."ownerId" = ${ownerId} AND d."searchVector" @@ ${tsquery}
      UNION ALL
      SELECT c."documentId", max(ts_rank_cd(c."searchVector", ${tsquery}, ${NORMALIZATION}::int)) AS rank
      FROM "Chunk" c
      WHERE c."documentId" IN (SELECT "id" FROM "Document" WHERE "ownerId" = ${ownerId} AND "searchPartial") AND c."searchVector" @@ ${tsquery}
      GROUP BY c."documentId"
    ),
    best AS (SELECT "id", max(rank) AS rank FROM matched GROUP BY "id")
    SELECT "id", rank, count(*) OVER () AS total FROM best ORDER BY rank DESC, "id" LIMIT ${k}`;
  return { hits: rows.map((row) => ({ id: row.id, score: Number(row.rank) })), total: rows.length > 0 ? Number(rows[0].total) : 0 };
}

/** Whether any of the wanted words occurs anywhere in the owner's library (its documents or their passages). */
export async function knowsAnyWord(ownerId: string, words: string, language: string, db: Db = prisma): Promise<boolean> {
  const anyWord = anyWordQuery(language, words);
  const [row] = await db.$queryRaw<{ known: boolean }[]>`
    WITH q AS (SELECT ${anyWord} AS anyword)
    SELECT EXISTS (SELECT 1 FROM "Document" d, q WHERE d."ownerId" = ${ownerId} AND d."searchVector" @@ q.anyword)
        OR EXISTS (SELECT 1 FROM "Chunk" c JOIN "Document" d ON d."id" = c."documentId", q WHERE d."ownerId" = ${ownerId} AND c."searchVector" @@ q.anyword) AS known`;
  return row?.known ?? false;
}

/** Which of `ids` match the query (for counting the documents found either way once). */
export async function matchingIds(ownerId: string, ids: string[], query: string, language: string, db: Db = prisma): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const tsquery = webQuery(language, query);
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT d."id" FROM "Document" d
    WHERE d."id" = ANY(${ids}::uuid[]) AND d."ownerId" = ${ownerId}
      AND (d."searchVector" @@ ${tsquery}
           OR (d."searchPartial" AND EXISTS (SELECT 1 FROM "Chunk" c WHERE c."documentId" = d."id" AND c."searchVector" @@ ${tsquery})))`;
  return new Set(rows.map((row) => row.id));
}

/** A document's best passage for a query: where it is in the text (characters), and its text quoted with the wanted words marked. */
export interface BestPassage {
  id: string;
  index: number;
  start: number;
  end: number;
  text: string;
  /** ts_headline's marked stretch (or the whole passage with `whole`). */
  marked: string | null;
}

/**
 * Each document's best passage: one that matches the whole query first, then the one that covers
 * the wanted words best, else the first. `whole` marks the whole passage instead of a stretch.
 */
export async function bestPassages(ids: string[], query: string, words: string, language: string, { whole = false } = {}, db: Db = prisma): Promise<Map<string, BestPassage>> {
  if (ids.length === 0) return new Map();
  const tsquery = webQuery(language, query);
  const anyWord = anyWordQuery(language, words);
  const options = whole ? `StartSel=${START_MARK}, StopSel=${STOP_MARK}, HighlightAll=true` : `StartSel=${START_MARK}, StopSel=${STOP_MARK}, MaxWords=45, MinWords=20, ShortWord=2, MaxFragments=0`;
  const rows = await db.$queryRaw<BestPassage[]>`
    WITH q AS (SELECT ${tsquery} AS whole, ${anyWord} AS anyword)
    SELECT d.id, best."index", best."start", best."end", best."text",
           ts_headline(${config(language)}, best."text", q.anyword, ${options}) AS marked
    FROM unnest(${ids}::uuid[]) AS d(id)
    CROSS JOIN q
    CROSS JOIN LATERAL (
      SELECT c."index", c."start", c."end", translate(c."text", ${START_MARK + STOP_MARK}, '') AS "text"
      FROM "Chunk" c
      WHERE c."documentId" = d.id
      ORDER BY coalesce(c."searchVector" @@ q.whole, false) DESC, ts_rank_cd(coalesce(c."searchVector", ''::tsvector), q.anyword, 1) DESC, c."index"
      LIMIT 1
    ) best`;
  return new Map(rows.map((row) => [row.id, row]));
}

/** The snippet a result shows: the passage's best stretch with its marked words, or its beginning. */
export function snippetOf(passage: BestPassage | undefined): Snippet {
  if (!passage) return { snippet: "", matches: [] };
  if (passage.marked === null) return plainSnippet(passage.text);
  return parseMarked(passage.marked);
}

/** A passage found for a question: which document, which passage, and its rank. */
export interface PassageHit {
  documentId: string;
  index: number;
  score: number;
}

/**
 * The owner's passages that best match any of `words` (a question's words: no one word is
 * required), within `documentIds` when given; ranked by ts_rank_cd, so passages holding more of
 * the words, closer together, come first.
 */
export async function passageHits(ownerId: string, words: string, language: string, k: number, documentIds: string[] | null, db: Db = prisma): Promise<PassageHit[]> {
  const anyWord = anyWordQuery(language, words);
  const scope = documentIds ? Prisma.sql`AND c."documentId" = ANY(${documentIds}::uuid[])` : Prisma.empty;
  const rows = await db.$queryRaw<{ documentId: string; index: number; rank: number }[]>`
    WITH q AS (SELECT ${anyWord} AS anyword)
    SELECT c."documentId", c."index", ts_rank_cd(c."searchVector", q.anyword, ${NORMALIZATION}::int) AS rank
    FROM "Chunk" c, q
    WHERE c."ownerId" = ${ownerId} ${scope} AND c."searchVector" @@ q.anyword
    ORDER BY rank DESC, c."documentId", c."index"
    LIMIT ${k}`;
  return rows.map((row) => ({ documentId: row.documentId, index: row.index, score: Number(row.rank) }));
}
