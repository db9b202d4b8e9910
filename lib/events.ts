/**
 * Socket.IO event maps and rooms, shared by the web server, the worker's emitter and the browser.
 * This module must stay free of server-only imports: the browser bundle imports it.
 */
import type { SummaryDraft } from "./document-types";
import type { Stage } from "./pipeline/table";
import type { DocumentStatus } from "./pipeline/statuses";

/** One change of a document's processing state. */
export interface DocumentProgress {
  id: string;
  status: DocumentStatus;
  stage: Stage;
  progress: number;
  error?: string | null;
  /** With a failure: whether trying again may succeed (false: the file itself is the problem). */
  retryable?: boolean | null;
  /** What the running stage is doing now, for example "part 3 of 9"; live events only. */
  detail?: string;
}

/**
 * The summary as it is written. `text` is the whole draft so far, never a delta: each event's
 * text extends the one before, and the last has `done: true` and the final text, the stored
 * summary. An event with `retrying: true` (and empty text) says the call that writes it starts
 * again from its beginning; the events after it grow from "" again.
 */
export interface DocumentSummaryEvent {
  id: string;
  text: string;
  done: boolean;
  retrying?: true;
}

/** A passage an answer cites: its number is its place in the list, from 1. */
export interface QuestionCitation {
  documentId: string;
  title: string;
  /** The passage, quoted (shortened where long). */
  excerpt: string;
  /** [start, end) of the passage, in characters (code points) of the document's text. */
  start: number;
  end: number;
}

export type QuestionStatus = "queued" | "answering" | "done" | "failed" | "cancelled";

/**
 * A question's answer as it is written. `text` is the whole answer so far, never a delta: each
 * event's text extends the one before, and the last has `done: true` (status done, failed or
 * cancelled) and the stored answer. An event with `retrying: true` (and empty text) says the
 * answer starts again from its beginning.
 */
export interface QuestionAnswerEvent {
  id: string;
  text: string;
  done: boolean;
  status: QuestionStatus;
  citations: QuestionCitation[];
  error?: string;
  retrying?: true;
}

/**
 * How long a page that shows running work waits without hearing any event before it reads its
 * state again: an event can be lost with no connection noticing (seen once over a Redis Cluster
 * while one of its nodes restarted).
 */
export const EVENTS_QUIET_MS = 20_000;

export interface ServerToClientEvents {
  "document:progress": (payload: DocumentProgress) => void;
  "document:summary": (payload: DocumentSummaryEvent) => void;
  "document:deleted": (payload: { id: string }) => void;
  "question:answer": (payload: QuestionAnswerEvent) => void;
  /**
   * Events may have been lost (a process lost its Redis connection for a while and has it back):
   * read the state of what is shown again.
   */
  "events:missed": () => void;
}

/** A followed document's state now, with its last complete summary and the one being written (if any). */
export type FollowedDocument = DocumentProgress & { summary: string | null; summaryDraft: SummaryDraft | null };

/** The answer to `document:follow`: the document's state now, or why not. */
export type FollowAnswer = { ok: true; document: FollowedDocument } | { ok: false; error: string };

export interface ClientToServerEvents {
  /**
   * Asks for one of the connection's owner's documents: the answer carries its state now (the
   * connection already receives all its owner's events). Another owner's id is "not found".
   */
  "document:follow": (id: string, answer: (result: FollowAnswer) => void) => void;
}

/** The Socket.IO room that receives every event of an owner's documents. */
export function ownerRoom(ownerId: string): string {
  return `owner:${ownerId}`;
}

/** The Socket.IO room of the connections opened with one session or token (closed when it ends). */
export function credentialRoom(credential: string): string {
  return `credential:${credential}`;
}
