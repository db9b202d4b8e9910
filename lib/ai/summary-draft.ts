/**
 * The summary being written, kept in Redis so that a reload, a second tab or another web process
 * shows the text so far: one key per document, `<QUEUE_PREFIX>:summary-draft:<id>`, holding
 * `{ text, retrying? }` with a short expiry that every write renews, so a worker that dies in the
 * middle leaves nothing behind for long. The stage's completion, its failure, a cancel and a
 * delete clear it. Best effort: Redis trouble is logged and never fails a stage or a request (the
 * database keeps the final text).
 */
import { z } from "zod";
import type { SummaryDraft } from "@/lib/document-types";
import { env } from "@/lib/env";
import { logger } from "@/lib/logger";
import { isWritingSummary, type DocumentStatus } from "@/lib/pipeline/statuses";
import type { Stage } from "@/lib/pipeline/table";
import { sharedRedis } from "@/lib/redis";
import { emitSummary } from "@/lib/socket-emitter";
import { DraftPublisher } from "./draft-publisher";

/** How long a draft outlives its last write. */
export const DRAFT_TTL_MS = 120_000;

const draftSchema = z.object({ text: z.string(), retrying: z.literal(true).optional() });

function draftKey(documentId: string): string {
  return `${env.QUEUE_PREFIX}:summary-draft:${documentId}`;
}

function reportFailure(action: string, documentIds: string[]) {
  return (error: Error) => logger.warn(`summary draft: ${action} failed`, { documentIds, error: error.message });
}

/** Keeps a document's draft for `DRAFT_TTL_MS` from now. */
export async function writeDraft(documentId: string, draft: SummaryDraft): Promise<void> {
  await sharedRedis()
    .set(draftKey(documentId), JSON.stringify(draft), "PX", DRAFT_TTL_MS)
    .catch(reportFailure("write", [documentId]));
}

/** Forgets a document's draft. */
export async function clearDraft(documentId: string): Promise<void> {
  await sharedRedis().del(draftKey(documentId)).catch(reportFailure("clear", [documentId]));
}

/** The drafts, by id, of those documents that are writing their summary now (a draft left over from before does not count). */
export async function readDrafts(documents: readonly { id: string; status: DocumentStatus; stage: Stage }[]): Promise<Map<string, SummaryDraft>> {
  const ids = documents.filter(isWritingSummary).map((document) => document.id);
  const drafts = new Map<string, SummaryDraft>();
  if (ids.length === 0) return drafts;
  const values = await sharedRedis()
    .mget(ids.map(draftKey))
    .catch((error: Error) => (reportFailure("read", ids)(error), []));
  values.forEach((value, i) => {
    const parsed = value ? draftSchema.safeParse(parseJson(value)) : undefined;
    if (parsed?.success) drafts.set(ids[i], parsed.data);
  });
  return drafts;
}

function parseJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** One document's draft, or null. */
export async function readDraft(document: { id: string; status: DocumentStatus; stage: Stage }): Promise<SummaryDraft | null> {
  return (await readDrafts([document])).get(document.id) ?? null;
}

/** A publisher of one document's draft: batched `document:summary` events to its owner's browsers, and the text so far kept here. */
export function draftPublisher(document: { id: string; ownerId: string }): DraftPublisher {
  return new DraftPublisher({
    send: (draft) => emitSummary(document.ownerId, { id: document.id, ...draft, done: false }),
    store: (draft) => writeDraft(document.id, draft),
    clear: () => clearDraft(document.id),
  });
}
