/**
 * JSON shapes of the documents API, shared by route handlers, server components and the browser.
 * Browser-safe: no server-only imports.
 */
import type { DocumentStatus } from "./pipeline/statuses";
import type { Stage } from "./pipeline/table";

/** A summary being written: the whole text so far (GET /api/documents/:id `summaryDraft`). */
export interface SummaryDraft {
  text: string;
  /** The call that writes it broke off and starts again: the text begins anew from "". */
  retrying?: true;
}

/** A row of the owner's document list (GET /api/documents). */
export interface DocumentListItem {
  id: string;
  title: string;
  filename: string;
  mimeType: string;
  /** Bytes. */
  size: number;
  status: DocumentStatus;
  stage: Stage;
  progress: number;
  error: string | null;
  /** With a failure: whether trying again may succeed (false: the file itself is the problem); null otherwise. */
  retryable?: boolean | null;
  /** The summary being written now, while the summarize stage runs; null otherwise. */
  summaryDraft?: SummaryDraft | null;
  createdAt: string;
}

/**
 * A document in the trash (GET /api/documents?status=deleted): the list row's fields it kept, its
 * status being the one it had when deleted (a restore brings it back in it, or queues it again).
 */
export interface TrashedListItem extends Pick<DocumentListItem, "id" | "title" | "filename" | "mimeType" | "size" | "status" | "createdAt"> {
  deletedAt: string;
  /** When the trash removes it for good. */
  purgeAt: string;
}

/** What GET /api/batches/:id answers: how far one upload request's documents have come. */
export interface BatchProgress {
  id: string;
  total: number;
  done: number;
  failed: number;
  /** Queued or processing. */
  active: number;
  /** About how long the active ones still need, from this owner's recent stage times; 0 when none is active, null when there is nothing to go by. */
  etaSeconds: number | null;
}

/** A neighbour in the similar-documents list (only those above the cut-off). */
export interface SimilarDocument {
  id: string;
  title: string;
  /** Cosine similarity of the two documents' vectors, 0 to 1 (rounded to 3 places). */
  score: number;
  /** The terms the two share that weigh most in the score, heaviest first. */
  terms: string[];
  /** The two texts are nearly the same (a re-export, a new version), told by their word shingles. */
  nearDuplicate: boolean;
}

/** An owner's library statistics and the re-embedding under them (GET /api/similarity). */
export interface SimilarityStatus {
  /** New statistics are being counted or the library re-embedded: lists may still change. */
  refreshing: boolean;
  statistics: {
    version: number;
    documents: number;
    createdAt: string;
    reembedding: { done: number; total: number; lists: number; finished: boolean };
  } | null;
}

/** One attempt at one stage (GET /api/documents/:id `runs`). */
export interface StageRunView {
  stage: Stage;
  attempt: number;
  startedAt: string;
  durationMs: number | null;
  outcome: string | null;
  /** What the owner should know about a finished run, e.g. that the text was cut at the limit. */
  note: string | null;
}

/**
 * A heading of a document (GET /api/documents/:id `outline`): where it starts in the extracted
 * text, in characters. A type rather than an interface, so it is also a JSON value for Prisma.
 */
export type OutlineEntry = {
  title: string;
  /** 1 for the top level. */
  level: number;
  offset: number;
};

/** One document with its results (GET /api/documents/:id). */
export interface DocumentDetail extends DocumentListItem {
  pages: number | null;
  /** The last complete summary: kept while a new one is written, replaced when it is done. */
  summary: string | null;
  summaryDraft: SummaryDraft | null;
  provider: string | null;
  summaryModel: string | null;
  /** The document's headings, in the text's order; empty when it shows none. */
  outline: OutlineEntry[];
  similar: SimilarDocument[];
  runs: StageRunView[];
  startedAt: string | null;
  finishedAt: string | null;
}

/** One entry of the upload answer (POST /api/documents). */
export type UploadedDocument = Pick<DocumentListItem, "id" | "title" | "filename" | "mimeType" | "size" | "status" | "stage" | "progress"> & {
  duplicate?: boolean;
};
