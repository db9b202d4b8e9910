/**
 * The owner's library, a page at a time: keyset (cursor) pagination over an index per sort, so
 * page 2,000 costs what page 1 costs and a document created or deleted between two pages never
 * makes another repeat or vanish.
 */
import { z } from "zod";
import { readDrafts } from "./ai/summary-draft";
import type { DocumentListItem } from "./document-types";
import { toListItem } from "./documents";
import { InvalidInputError } from "./errors";
import type { Prisma } from "./generated/prisma/client";
import { prisma } from "./db";
import type { ListQuery, Sort, StatusFilter } from "./library-query";
import { mimeTypeOf } from "./parsing/formats";
import { idSchema } from "./pipeline/ids";
import { ACTIVE_STATUSES } from "./pipeline/statuses";

/** A query of the library's documents: any status filter but the trash. */
export type DocumentsQuery = Omit<ListQuery, "status"> & { status?: StatusFilter };

export interface LibraryPage {
  documents: DocumentListItem[];
  /** The cursor of the next page, or null after the last. */
  nextCursor: string | null;
  /** How many documents match the filters, on every page. */
  total: number;
}

/** The sort key of each sort, and its direction (the id breaks ties in the same direction). */
const KEYS: Record<Sort, { field: "createdAt" | "title" | "size"; direction: "asc" | "desc" }> = {
  newest: { field: "createdAt", direction: "desc" },
  oldest: { field: "createdAt", direction: "asc" },
  title: { field: "title", direction: "asc" },
  size: { field: "size", direction: "desc" },
};

const cursorSchema = z.object({ s: z.enum(["newest", "oldest", "title", "size"]), v: z.union([z.string(), z.number()]), i: idSchema });
type Cursor = z.infer<typeof cursorSchema>;

function encodeCursor(sort: Sort, doc: { id: string; createdAt: Date; title: string; size: number }): string {
  const { field } = KEYS[sort];
  const value = field === "createdAt" ? doc.createdAt.toISOString() : doc[field];
  return Buffer.from(JSON.stringify({ s: sort, v: value, i: doc.id } satisfies Cursor)).toString("base64url");
}

const BAD_CURSOR = "cursor: not a cursor of this list; use the nextCursor of the page before, with the same sort.";

function decodeCursor(raw: string, sort: Sort): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    throw new InvalidInputError(BAD_CURSOR);
  }
  const cursor = cursorSchema.safeParse(parsed);
  if (!cursor.success || cursor.data.s !== sort) throw new InvalidInputError(BAD_CURSOR);
  const { field } = KEYS[sort];
  const valid =
    field === "createdAt"
      ? typeof cursor.data.v === "string" && !Number.isNaN(Date.parse(cursor.data.v))
      : field === "size"
        ? Number.isSafeInteger(cursor.data.v)
        : typeof cursor.data.v === "string";
  if (!valid) throw new InvalidInputError(BAD_CURSOR);
  return cursor.data;
}

/**
 * Rows after the cursor in the sort's order: a strictly later key, or the same key and a later
 * id. The bound on the key alone (`lte`/`gte`) lets PostgreSQL start the index scan at the cursor
 * (an index condition), so a deep page reads only its own rows; the rest only weeds out ties.
 */
function after(sort: Sort, cursor: Cursor): Prisma.DocumentWhereInput {
  const { field, direction } = KEYS[sort];
  const [strict, bound] = direction === "asc" ? ["gt", "gte"] : ["lt", "lte"];
  const value = field === "createdAt" ? new Date(cursor.v as string) : cursor.v;
  return { AND: [{ [field]: { [bound]: value } }, { OR: [{ [field]: { [strict]: value } }, { id: { [strict]: cursor.i } }] }] };
}

/**
 * How many documents match: without a text filter, from the counts the database keeps per owner,
 * status and type (a few rows, whatever the library's size); with one, counted.
 */
async function countMatching(ownerId: string, query: DocumentsQuery, where: Prisma.DocumentWhereInput): Promise<number> {
  if (query.q || query.batch) return prisma.document.count({ where });
  const statuses = query.status === "active" ? [...ACTIVE_STATUSES] : query.status ? [query.status] : undefined;
  const { _sum } = await prisma.documentCount.aggregate({
    where: { ownerId, ...(statuses ? { status: { in: statuses } } : {}), ...(query.type ? { mimeType: mimeTypeOf(query.type) } : {}) },
    _sum: { n: true },
  });
  return _sum.n ?? 0;
}

function filters(ownerId: string, query: DocumentsQuery): Prisma.DocumentWhereInput {
  const contains = query.q ? { contains: query.q, mode: "insensitive" as const } : undefined;
  return {
    ownerId,
    ...(query.status === "active" ? { status: { in: [...ACTIVE_STATUSES] } } : query.status ? { status: query.status } : {}),
    ...(query.type ? { mimeType: mimeTypeOf(query.type) } : {}),
    ...(query.batch ? { batchId: query.batch } : {}),
    ...(contains ? { OR: [{ title: contains }, { filename: contains }, { summary: contains }] } : {}),
  };
}

/** One page of the owner's documents in the query's order and filters (the trash is lib/trash.ts's). */
export async function listLibrary(ownerId: string, query: DocumentsQuery): Promise<LibraryPage> {
  const { field, direction } = KEYS[query.sort];
  const where = filters(ownerId, query);
  const position = query.cursor ? after(query.sort, decodeCursor(query.cursor, query.sort)) : {};
  const [rows, total] = await Promise.all([
    prisma.document.findMany({
      where: { AND: [where, position] },
      orderBy: [{ [field]: direction }, { id: direction }],
      take: query.limit + 1,
      omit: { text: true, vector: true, keyTerms: true, minhash: true, outline: true },
    }),
    countMatching(ownerId, query, where),
  ]);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const drafts = await readDrafts(page);
  return {
    documents: page.map((doc) => toListItem(doc, drafts.get(doc.id) ?? null)),
    nextCursor: rows.length > query.limit && last ? encodeCursor(query.sort, last) : null,
    total,
  };
}
