/** The documents domain: create from an upload, list and read, always scoped to an owner. */
import { readDraft, readDrafts } from "./ai/summary-draft";
import type { DocumentDetail, DocumentListItem, SummaryDraft, UploadedDocument } from "./document-types";
import type { Document } from "./generated/prisma/client";
import { prisma } from "./db";
import { NotFoundError } from "./errors";
import { isId } from "./pipeline/ids";
import { isUniqueViolation } from "./prisma-errors";
import { remove } from "./storage";
import type { ReceivedFile } from "./upload";

/** The title shown for a file: its name without the extension. */
export function titleFromFilename(filename: string): string {
  return filename.replace(/\.[A-Za-z0-9]{1,8}$/, "") || filename;
}

/** A document as a row of the list (the list, the document page's live part), with its summary being written, if any. */
export function toListItem(doc: Omit<Document, "text" | "vector">, summaryDraft: SummaryDraft | null = null): DocumentListItem {
  return {
    id: doc.id,
    title: doc.title,
    filename: doc.filename,
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
 * Creates a document per received file. Identical content already uploaded by the same owner
 * answers the existing document (marked duplicate) and its new copy of the bytes is dropped.
 */
export async function createDocuments(ownerId: string, files: ReceivedFile[]): Promise<{ document: Document; duplicate: boolean }[]> {
  const results: { document: Document; duplicate: boolean }[] = [];
  for (const file of files) {
    try {
      const document = await prisma.document.create({
        data: {
          ownerId,
          title: titleFromFilename(file.filename),
          filename: file.filename,
          mimeType: file.mimeType,
          size: file.size,
          sha256: file.sha256,
          storageKey: file.storageKey,
        },
      });
      results.push({ document, duplicate: false });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const existing = await prisma.document.findUniqueOrThrow({ where: { ownerId_sha256: { ownerId, sha256: file.sha256 } } });
      await remove(file.storageKey);
      results.push({ document: existing, duplicate: true });
    }
  }
  return results;
}

/** The upload answer for one document. */
export function toUploaded(document: Document, duplicate: boolean): UploadedDocument {
  const { id, title, filename, status, stage, progress } = document;
  return duplicate ? { id, title, filename, status, stage, progress, duplicate } : { id, title, filename, status, stage, progress };
}

/** The owner's documents, newest first; with `query`, those whose title, file name or summary contains it. */
export async function listDocuments(ownerId: string, query?: string): Promise<DocumentListItem[]> {
  const contains = query ? { contains: query, mode: "insensitive" as const } : undefined;
  const docs = await prisma.document.findMany({
    where: contains ? { ownerId, OR: [{ title: contains }, { filename: contains }, { summary: contains }] } : { ownerId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    omit: { text: true, vector: true },
  });
  const drafts = await readDrafts(docs);
  return docs.map((doc) => toListItem(doc, drafts.get(doc.id) ?? null));
}

/** One of the owner's documents with its summary and similar documents; NotFoundError otherwise. */
export async function getDocumentDetail(ownerId: string, id: string): Promise<DocumentDetail> {
  if (!isId(id)) throw new NotFoundError();
  const doc = await prisma.document.findFirst({
    where: { id, ownerId },
    omit: { text: true, vector: true },
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
    mimeType: doc.mimeType,
    size: doc.size,
    pages: doc.pages,
    summary: doc.summary,
    provider: doc.provider,
    summaryModel: doc.summaryModel,
    similar: doc.similar
      .filter((s) => s.similarDoc.ownerId === ownerId)
      .map((s) => ({ id: s.similarDoc.id, title: s.similarDoc.title, score: Math.round(s.score * 1000) / 1000 })),
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
