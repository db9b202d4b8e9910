/**
 * Find-similar for one document: under the owner's advisory lock, the vector index answers its
 * nearest documents of the same model; the document keeps those above the score floor (with the
 * terms both share and whether the texts are near-duplicates), enters the index (it takes the next
 * vector_seq), and is offered to the neighbours whose own top list it enters.
 */
import type { Document, Prisma } from "@/lib/generated/prisma/client";
import { decodeVector } from "@/lib/ai/vector";
import type { Neighbour } from "./index/exact";
import type { IndexedDocument, VectorIndex } from "./index/vector-index";
import { isNearDuplicate } from "./near-duplicates";
import { MIN_SHARED_TERMS, sharedTerms } from "./reasons";
import type { KeyTerm } from "./weighting";

export interface ListSettings {
  /** Neighbours kept per document. */
  limit: number;
  /** Neighbours scoring less are not kept; above 0, a neighbour must also share MIN_SHARED_TERMS key terms (the reason shown). 0 keeps every neighbour. */
  minScore: number;
}

/** Whether a neighbour belongs in a list: above the floor and, with a floor, explained by shared key terms. */
function listable(score: number, terms: string[], settings: ListSettings): boolean {
  if (settings.minScore <= 0) return true;
  return score >= settings.minScore && terms.length >= MIN_SHARED_TERMS;
}

/** Where a candidate's own similar list stands. */
export interface ListState {
  /** How many documents its similar list holds. */
  listed: number;
  /** The lowest score in that list; null when the list is empty. */
  lowest: number | null;
  /** Its list already holds the new document (from an earlier run of it). */
  listsDocument: boolean;
}

/** Neighbours asked of the index: the document's own list, and the documents whose lists it may enter. */
const CANDIDATES = 50;

/**
 * Whether a document scoring `score` against a candidate belongs in the candidate's top `limit`:
 * its list is not full, or the score reaches its lowest (equal scores are settled by id when the
 * list is re-ranked), or the list holds the document already (its score must be brought up to date).
 */
export function entersList(list: ListState, score: number, limit: number): boolean {
  return list.listsDocument || list.listed < limit || list.lowest === null || score >= list.lowest;
}

/** Holds the owner's advisory lock until the transaction ends: one owner's index and lists change one document at a time. */
export async function lockOwner(tx: Prisma.TransactionClient, ownerId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${ownerId}))`;
}

/** The document as the index sees it, or null when it has no vector. */
export function indexedDocument(document: Pick<Document, "id" | "ownerId" | "embeddingModel" | "vector">): IndexedDocument | null {
  if (!document.vector || document.vector.byteLength === 0 || !document.embeddingModel) return null;
  return { id: document.id, ownerId: document.ownerId, embeddingModel: document.embeddingModel, vector: decodeVector(document.vector) };
}

interface Candidate {
  id: string;
  keyTerms: KeyTerm[] | null;
  minhash: Uint8Array | null;
  listed: number;
  lowest: number | null;
  lists_document: boolean;
}

/** The neighbours' key terms, signatures and list states, one query through the primary keys. */
async function candidates(tx: Prisma.TransactionClient, documentId: string, ids: string[]): Promise<Map<string, Candidate>> {
  if (ids.length === 0) return new Map();
  const rows = await tx.$queryRaw<Candidate[]>`
    SELECT d."id", d."keyTerms", d."minhash", l."listed", l."lowest", l."lists_document"
    FROM "Document" d
    CROSS JOIN LATERAL (
      SELECT count(*)::int AS "listed", min(s."score") AS "lowest", coalesce(bool_or(s."similarId" = ${documentId}::uuid), false) AS "lists_document"
      FROM "Similarity" s WHERE s."documentId" = d."id"
    ) l
    WHERE d."id" = ANY(${ids}::uuid[])`;
  return new Map(rows.map((row) => [row.id, row]));
}

type ListEntry = { id: string; score: number; terms: string[]; nearDuplicate: boolean };

/** Replaces a document's own list (one statement); with `enter`, also gives the document its next vector_seq. */
async function writeList(tx: Prisma.TransactionClient, documentId: string, entries: ListEntry[], enter: boolean): Promise<void> {
  const ids = entries.map((n) => n.id);
  await tx.$executeRaw`
    WITH removed AS (
      DELETE FROM "Similarity" WHERE "documentId" = ${documentId}::uuid AND NOT ("similarId" = ANY(${ids}::uuid[]))
    ),
    added AS (
      INSERT INTO "Similarity" ("documentId", "similarId", "score", "rank", "terms", "nearDuplicate")
      SELECT ${documentId}::uuid, o.id, o.score, o.rank, string_to_array(o.terms, chr(31)), o.dup
      FROM unnest(${ids}::uuid[], ${entries.map((n) => n.score)}::float8[], ${entries.map((n) => n.terms.join("\u001f"))}::text[],
                  ${entries.map((n) => n.nearDuplicate)}::bool[], ${entries.map((_, i) => i + 1)}::int[]) AS o(id, score, terms, dup, rank)
      ON CONFLICT ("documentId", "similarId") DO UPDATE
        SET "score" = EXCLUDED."score", "rank" = EXCLUDED."rank", "terms" = EXCLUDED."terms", "nearDuplicate" = EXCLUDED."nearDuplicate"
    )
    UPDATE "Document" SET "vectorSeq" = nextval('vector_seq') WHERE "id" = ${documentId}::uuid AND ${enter}`;
}

/** The document's own list from the index's answer: above the floor, best first, explained. */
function ownList(document: Pick<Document, "keyTerms" | "minhash">, found: Neighbour[], rows: Map<string, Candidate>, settings: ListSettings) {
  return found
    .filter((n) => rows.has(n.id))
    .map((n) => {
      const row = rows.get(n.id)!;
      return { ...n, terms: sharedTerms(document.keyTerms as KeyTerm[] | null, row.keyTerms), nearDuplicate: isNearDuplicate(document.minhash, row.minhash) };
    })
    .filter((n) => listable(n.score, n.terms, settings))
    .slice(0, settings.limit);
}

/**
 * Stores the document's nearest neighbours, enters it in the index and adds it to the lists it
 * ranks in; `onSearched` runs once the index search and the candidates' read are done.
 */
export async function refreshSimilar(
  tx: Prisma.TransactionClient,
  document: Document,
  index: VectorIndex,
  settings: ListSettings,
  onSearched?: () => Promise<void>,
): Promise<void> {
  const indexed = indexedDocument(document);
  if (!indexed) return;
  await lockOwner(tx, document.ownerId);
  const found = await index.search(tx, indexed, Math.max(CANDIDATES, settings.limit));
  const rows = await candidates(tx, document.id, found.map((n) => n.id));
  // Before the first write, so a progress write outside the transaction never waits on it.
  await onSearched?.();
  const own = ownList(document, found, rows, settings);
  await writeList(tx, document.id, own, true);
  await index.enter(tx, indexed);

  // Offer this document only to the neighbours whose top `limit` it enters, then re-rank those lists.
  const offers = found
    .filter((n) => rows.has(n.id) && entersList(listState(rows.get(n.id)!), n.score, settings.limit))
    .map((n) => ({ ...n, terms: sharedTerms(rows.get(n.id)!.keyTerms, document.keyTerms as KeyTerm[] | null) }))
    .filter((n) => listable(n.score, n.terms, settings));
  if (offers.length === 0) return;
  const terms = offers.map((n) => n.terms.join("\u001f"));
  const duplicates = offers.map((n) => isNearDuplicate(document.minhash, rows.get(n.id)!.minhash));
  await tx.$executeRaw`
    INSERT INTO "Similarity" ("documentId", "similarId", "score", "rank", "terms", "nearDuplicate")
    SELECT o.id, ${document.id}::uuid, o.score, ${settings.limit + 1}, string_to_array(o.terms, chr(31)), o.dup
    FROM unnest(${offers.map((n) => n.id)}::uuid[], ${offers.map((n) => n.score)}::float8[], ${terms}::text[], ${duplicates}::bool[]) AS o(id, score, terms, dup)
    ON CONFLICT ("documentId", "similarId") DO UPDATE SET "score" = EXCLUDED."score", "terms" = EXCLUDED."terms", "nearDuplicate" = EXCLUDED."nearDuplicate"`;
  const ids = offers.map((n) => n.id);
  await tx.$executeRaw`
    WITH ranked AS (
      SELECT "documentId", "similarId", "rank",
             row_number() OVER (PARTITION BY "documentId" ORDER BY "score" DESC, "similarId") AS r
      FROM "Similarity" WHERE "documentId" = ANY(${ids}::uuid[])
    ),
    trimmed AS (
      DELETE FROM "Similarity" s USING ranked
      WHERE s."documentId" = ranked."documentId" AND s."similarId" = ranked."similarId" AND ranked.r > ${settings.limit}
    )
    UPDATE "Similarity" s SET "rank" = ranked.r FROM ranked
    WHERE s."documentId" = ranked."documentId" AND s."similarId" = ranked."similarId"
      AND ranked.r <= ${settings.limit} AND s."rank" <> ranked.r`;
}

/** Recomputes a document's own list from the index (after the library was re-embedded); the document is in the index already. */
export async function rebuildList(tx: Prisma.TransactionClient, document: Pick<Document, "id" | "ownerId" | "embeddingModel" | "vector" | "keyTerms" | "minhash">, index: VectorIndex, settings: ListSettings): Promise<void> {
  const indexed = indexedDocument(document);
  if (!indexed) return;
  const found = await index.search(tx, indexed, Math.max(CANDIDATES, settings.limit));
  const rows = await candidates(tx, document.id, found.map((n) => n.id));
  await writeList(tx, document.id, ownList(document, found, rows, settings), false);
}

function listState(row: Candidate): ListState {
  return { listed: row.listed, lowest: row.lowest, listsDocument: row.lists_document };
}
