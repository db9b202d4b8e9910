/**
 * The trash: a deleted document's rows (the document, its similarity rows both ways, its passages
 * and its stage runs) kept as they were, so that a restore puts them back as they were, while the
 * document itself is gone from every read, list, similar list and search. Its file stays in storage
 * until the trashed document is purged (by its owner, or by the sweep after TRASH_DAYS).
 */
import { z } from "zod";
import type { TrashedListItem } from "./document-types";
import { prisma } from "./db";
import { env } from "./env";
import { ConflictError, InvalidInputError, NotFoundError } from "./errors";
import type { Document, Prisma } from "./generated/prisma/client";
import type { ListQuery } from "./library-query";
import { mimeTypeOf } from "./parsing/formats";
import { idSchema, isId } from "./pipeline/ids";
import { isUniqueViolation } from "./prisma-errors";
import { lockOwner } from "./similarity/find-similar";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Moves a document's rows into the trash and deletes the document, in the caller's transaction
 * (under the owner's lock, so the vector tombstone the delete leaves takes its place in order).
 * Returns false when the owner has no such document.
 */
export async function moveToTrash(tx: Prisma.TransactionClient, ownerId: string, id: string): Promise<boolean> {
  const moved = await tx.$executeRaw`
    INSERT INTO "TrashedDocument" ("id", "ownerId", "storageKey", "title", "filename", "mimeType", "size", "status", "createdAt",
                                   "document", "similarities", "chunks", "stageRuns")
    SELECT d."id", d."ownerId", d."storageKey", d."title", d."filename", d."mimeType", d."size", d."status", d."createdAt",
           to_jsonb(d) - 'searchVector',
           COALESCE((SELECT jsonb_agg(to_jsonb(s)) FROM "Similarity" s WHERE s."documentId" = d."id" OR s."similarId" = d."id"), '[]'),
           COALESCE((SELECT jsonb_agg(to_jsonb(c) - 'searchVector') FROM "Chunk" c WHERE c."documentId" = d."id"), '[]'),
           COALESCE((SELECT jsonb_agg(to_jsonb(r)) FROM "StageRun" r WHERE r."documentId" = d."id"), '[]')
    FROM "Document" d WHERE d."id" = ${id}::uuid AND d."ownerId" = ${ownerId}`;
  if (moved === 0) return false;
  await tx.document.delete({ where: { id } });
  return true;
}

/**
 * Puts a trashed document back with its rows: its passages (search finds it again), its stage
 * runs, and the similarity rows whose other document still exists. Its vector takes a new place in
 * the index's sequence, so every cached index takes it in again. Answers the restored document.
 */
export async function restoreFromTrash(ownerId: string, id: string): Promise<Document> {
  if (!isId(id)) throw new NotFoundError();
  try {
    return await prisma.$transaction(async (tx) => {
      await lockOwner(tx, ownerId);
      const restored = await tx.$executeRaw`
        INSERT INTO "Document" SELECT (jsonb_populate_record(NULL::"Document", t."document")).*
        FROM "TrashedDocument" t WHERE t."id" = ${id}::uuid AND t."ownerId" = ${ownerId}`;
      if (restored === 0) throw new NotFoundError();
      await tx.$executeRaw`
        UPDATE "Document" SET "vectorSeq" = nextval('vector_seq') WHERE "id" = ${id}::uuid AND "vectorSeq" IS NOT NULL`;
      await tx.$executeRaw`
        INSERT INTO "Chunk" SELECT (jsonb_populate_recordset(NULL::"Chunk", t."chunks")).* FROM "TrashedDocument" t WHERE t."id" = ${id}::uuid`;
      await tx.$executeRaw`
        INSERT INTO "StageRun" SELECT (jsonb_populate_recordset(NULL::"StageRun", t."stageRuns")).* FROM "TrashedDocument" t WHERE t."id" = ${id}::uuid`;
      await tx.$executeRaw`
        INSERT INTO "Similarity"
        SELECT s.* FROM "TrashedDocument" t, jsonb_populate_recordset(NULL::"Similarity", t."similarities") s
        WHERE t."id" = ${id}::uuid
          AND EXISTS (SELECT 1 FROM "Document" d WHERE d."id" = s."documentId")
          AND EXISTS (SELECT 1 FROM "Document" d WHERE d."id" = s."similarId")
        ON CONFLICT DO NOTHING`;
      await tx.trashedDocument.delete({ where: { id } });
      return tx.document.findUniqueOrThrow({ where: { id } });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError("The same file is in your library again; delete that copy first.");
    throw error;
  }
}

/** Removes a trashed document's row for good; answers its storage key (null: the owner has no such trashed document). */
export async function removeFromTrash(ownerId: string, id: string): Promise<string | null> {
  if (!isId(id)) return null;
  const rows = await prisma.$queryRaw<{ storageKey: string }[]>`
    DELETE FROM "TrashedDocument" WHERE "id" = ${id}::uuid AND "ownerId" = ${ownerId} RETURNING "storageKey"`;
  return rows[0]?.storageKey ?? null;
}

/** Trashed documents deleted before `before` (a few at a time, for the sweep): their ids, owners and storage keys. */
export async function expiredTrash(before: Date, take: number): Promise<{ id: string; ownerId: string; storageKey: string }[]> {
  return prisma.trashedDocument.findMany({ where: { deletedAt: { lt: before } }, select: { id: true, ownerId: true, storageKey: true }, take });
}

/** What was deleted before this time has been in the trash long enough to be purged. */
export function trashCutoff(now: Date): Date {
  return new Date(now.getTime() - env.TRASH_DAYS * DAY_MS);
}

/** When the trash forgets what was deleted at `deletedAt`. */
export function purgeTime(deletedAt: Date): Date {
  return new Date(deletedAt.getTime() + env.TRASH_DAYS * DAY_MS);
}

/** The storage keys among `keys` that trashed documents still hold. */
export async function trashedKeys(keys: string[]): Promise<Set<string>> {
  const rows = await prisma.trashedDocument.findMany({ where: { storageKey: { in: keys } }, select: { storageKey: true } });
  return new Set(rows.map((row) => row.storageKey));
}

const cursorSchema = z.object({ t: z.literal("trash"), d: z.iso.datetime(), i: idSchema });
const BAD_CURSOR = "cursor: not a cursor of this list; use the nextCursor of the page before.";

function decodeCursor(raw: string): z.infer<typeof cursorSchema> {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(raw, "base64url").toString("utf8")));
  } catch {
    throw new InvalidInputError(BAD_CURSOR);
  }
}

/** A page of the owner's trash, most recently deleted first (the sort of the list does not apply). */
export async function listTrash(ownerId: string, query: ListQuery): Promise<{ documents: TrashedListItem[]; nextCursor: string | null; total: number }> {
  const contains = query.q ? { contains: query.q, mode: "insensitive" as const } : undefined;
  const where: Prisma.TrashedDocumentWhereInput = {
    ownerId,
    ...(query.type ? { mimeType: mimeTypeOf(query.type) } : {}),
    ...(contains ? { OR: [{ title: contains }, { filename: contains }] } : {}),
  };
  const cursor = query.cursor ? decodeCursor(query.cursor) : null;
  const position: Prisma.TrashedDocumentWhereInput = cursor
    ? { OR: [{ deletedAt: { lt: new Date(cursor.d) } }, { deletedAt: new Date(cursor.d), id: { lt: cursor.i } }] }
    : {};
  const [rows, total] = await Promise.all([
    prisma.trashedDocument.findMany({
      where: { AND: [where, position] },
      orderBy: [{ deletedAt: "desc" }, { id: "desc" }],
      take: query.limit + 1,
      select: { id: true, title: true, filename: true, mimeType: true, size: true, status: true, createdAt: true, deletedAt: true },
    }),
    prisma.trashedDocument.count({ where }),
  ]);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    documents: page.map((row) => ({
      id: row.id,
      title: row.title,
      filename: row.filename,
      mimeType: row.mimeType,
      size: row.size,
      status: row.status,
      createdAt: row.createdAt.toISOString(),
      deletedAt: row.deletedAt.toISOString(),
      purgeAt: purgeTime(row.deletedAt).toISOString(),
    })),
    nextCursor:
      rows.length > query.limit && last
        ? Buffer.from(JSON.stringify({ t: "trash", d: last.deletedAt.toISOString(), i: last.id })).toString("base64url")
        : null,
    total,
  };
}
