/** The documents domain: create from an upload, read one and its text, always scoped to an owner (the list is lib/library.ts). */
import { z } from "zod";
import { readDraft } from "./ai/summary-draft";
import type { DocumentDetail, DocumentListItem, OutlineEntry, SimilarityStatus, SummaryDraft, UploadedDocument } from "./document-types";
import type { Document, Prisma } from "./generated/prisma/client";
import { prisma } from "./db";
import { NotFoundError } from "./errors";
import { isId } from "./pipeline/ids";
import { reembedJobId, statisticsJobId, type TaskName } from "./pipeline/table";
import { taskQueue } from "./pipeline/tasks";
import { env } from "./env";
import { queue } from "./queues";
import { applyCutOff } from "./similarity/reasons";
import { fileStorage } from "./storage";
import type { ReceivedFile } from "./upload";

/** The title shown for a file: its name without the extension. */
export function titleFromFilename(filename: string): string {
  return filename.replace(/\.[A-Za-z0-9]{1,8}$/, "") || filename;
}

const outlineSchema = z.array(z.object({ title: z.string(), level: z.number().int().min(1), offset: z.number().int().min(0) }));

/** A document's stored outline (the JSON column the extract stage writes); none when absent or not of that shape. */
export function storedOutline(value: Prisma.JsonValue | null): OutlineEntry[] {
  const parsed = outlineSchema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

/** A document as a row of the list (the list, the document page's live part), with its summary being written, if any. */
export function toListItem(doc: Omit<Document, "text" | "vector" | "keyTerms" | "minhash" | "outline">, summaryDraft: SummaryDraft | null = null): DocumentListItem {
  return {
    id: doc.id,
    title: doc.title,
    filename: doc.filename,
    mimeType: doc.mimeType,
    size: doc.size,
    status: doc.status,
    stage: doc.stage,
    progress: doc.progress,
    error: doc.error,
    retryable: doc.errorRetryable,
    summaryDraft,
    createdAt: doc.createdAt.toISOString(),
  };
}

/**
 * Creates a document per received file (of one batch, if given), all in one statement. Identical
 * content already uploaded by the same owner (or sent twice in the same request) answers the
 * existing document, marked duplicate, and its new copy of the bytes is dropped.
 */
export async function createDocuments(ownerId: string, files: ReceivedFile[], batchId?: string): Promise<{ document: Document; duplicate: boolean }[]> {
  const created = await prisma.document.createManyAndReturn({
    data: files.map((file) => ({
      ownerId,
      title: titleFromFilename(file.filename),
      filename: file.filename,
      mimeType: file.mimeType,
      size: file.size,
      sha256: file.sha256,
      storageKey: file.storageKey,
      batchId,
    })),
    skipDuplicates: true,
  });
  const byKey = new Map(created.map((document) => [document.storageKey, document]));
  const repeated = files.filter((file) => !byKey.has(file.storageKey));
  const existing = repeated.length > 0 ? await prisma.document.findMany({ where: { ownerId, sha256: { in: repeated.map((file) => file.sha256) } } }) : [];
  const bySha = new Map(existing.map((document) => [document.sha256, document]));
  await Promise.all(repeated.map((file) => fileStorage().remove(file.storageKey)));
  return files.map((file) => {
    const document = byKey.get(file.storageKey);
    if (document) return { document, duplicate: false };
    const original = bySha.get(file.sha256);
    // Only a delete for good between the insert and this read leaves no original.
    if (!original) throw new Error(`the document with the content of "${file.filename}" went away while it was uploaded again`);
    return { document: original, duplicate: true };
  });
}

/** The longest title a person may give a document. */
export const MAX_TITLE_CHARS = 200;

/**
 * Renames one of the owner's documents: the title the person set is kept when the document is
 * read again (titles otherwise come from the document), and lists, search and similar lists show it.
 */
export async function renameDocument(ownerId: string, id: string, title: string): Promise<{ id: string; title: string }> {
  if (!isId(id)) throw new NotFoundError();
  const { count } = await prisma.document.updateMany({ where: { id, ownerId }, data: { title, titleSetByOwner: true } });
  if (count === 0) throw new NotFoundError();
  return { id, title };
}

/** The upload answer for one document. */
export function toUploaded(document: Document, duplicate: boolean): UploadedDocument {
  const { id, title, filename, mimeType, size, status, stage, progress } = document;
  const uploaded = { id, title, filename, mimeType, size, status, stage, progress };
  return duplicate ? { ...uploaded, duplicate } : uploaded;
}

/** One of the owner's documents with its summary and similar documents; NotFoundError otherwise. */
export async function getDocumentDetail(ownerId: string, id: string): Promise<DocumentDetail> {
  if (!isId(id)) throw new NotFoundError();
  const doc = await prisma.document.findFirst({
    where: { id, ownerId },
    omit: { text: true, vector: true, keyTerms: true, minhash: true },
    include: {
      similar: {
        orderBy: { rank: "asc" },
        include: { similarDoc: { select: { id: true, title: true, ownerId: true } } },
      },
      stageRuns: { orderBy: { startedAt: "asc" } },
    },
  });
  if (!doc) throw new NotFoundError();
  return {
    ...toListItem(doc),
    summaryDraft: await readDraft(doc),
    pages: doc.pages,
    summary: doc.summary,
    provider: doc.provider,
    summaryModel: doc.summaryModel,
    outline: storedOutline(doc.outline),
    similar: applyCutOff(
      doc.similar.filter((s) => s.similarDoc.ownerId === ownerId),
      { minScore: env.SIMILAR_MIN_SCORE, relativeScore: env.SIMILAR_RELATIVE_SCORE },
    ).map((s) => ({
      id: s.similarDoc.id,
      title: s.similarDoc.title,
      score: Math.round(s.score * 1000) / 1000,
      terms: s.terms,
      nearDuplicate: s.nearDuplicate,
    })),
    runs: doc.stageRuns.map((run) => ({
      stage: run.stage,
      attempt: run.attempt,
      startedAt: run.startedAt.toISOString(),
      durationMs: run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
      outcome: run.outcome,
      // A finished run's message is its note for the owner (such as text cut at the limit).
      note: run.outcome === "done" ? run.message : null,
    })),
    startedAt: doc.startedAt?.toISOString() ?? null,
    finishedAt: doc.finishedAt?.toISOString() ?? null,
  };
}

/** A slice of a document's extracted text, counted in characters (Unicode code points). */
export interface TextSlice {
  text: string;
  offset: number;
  /** The whole text's length; 0 before the text has been read. */
  total: number;
}

/** `length` characters of the owner's document's text from `offset`, cut in the database so a long text never loads whole. */
export async function getDocumentText(ownerId: string, id: string, offset: number, length: number): Promise<TextSlice> {
  if (!isId(id)) throw new NotFoundError();
  const rows = await prisma.$queryRaw<{ slice: string | null; total: number | null }[]>`
    SELECT substring("text" FROM ${offset + 1}::int FOR ${length}::int) AS slice, char_length("text")::int AS total
    FROM "Document" WHERE "id" = ${id}::uuid AND "ownerId" = ${ownerId}`;
  if (rows.length === 0) throw new NotFoundError();
  return { text: rows[0].slice ?? "", offset, total: rows[0].total ?? 0 };
}

/** Whether a task's job (by id) is waiting or running. */
async function pending(task: TaskName, jobId: string): Promise<boolean> {
  const job = await queue(taskQueue(task)).getJob(jobId);
  if (!job) return false;
  return !["completed", "failed", "unknown"].includes(await job.getState());
}

/** The owner's latest library statistics, how far the library's re-embedding under them has come, and whether either is under way. */
export async function getSimilarityStatus(ownerId: string): Promise<SimilarityStatus> {
  const row = await prisma.libraryStatistics.findFirst({
    where: { ownerId },
    orderBy: { version: "desc" },
    select: { version: true, documents: true, createdAt: true, reembedDone: true, reembedTotal: true, listsDone: true, finishedAt: true },
  });
  const version = row?.version ?? 0;
  const refreshing =
    (await pending("similarity-statistics", statisticsJobId(ownerId, version + 1))) ||
    (row !== null && (row.finishedAt === null || (await pending("reembed", reembedJobId(ownerId, version)))));
  if (!row) return { refreshing, statistics: null };
  return {
    refreshing,
    statistics: {
      version: row.version,
      documents: row.documents,
      createdAt: row.createdAt.toISOString(),
      reembedding: { done: row.reembedDone, total: row.reembedTotal, lists: row.listsDone, finished: row.finishedAt !== null },
    },
  };
}
