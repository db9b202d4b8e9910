/**
 * Socket.IO event maps, shared by the web server, the worker's emitter and the browser.
 * This module must stay free of server-only imports: the browser bundle imports it.
 */

export const DOCUMENT_STATUSES = ["queued", "processing", "done", "failed", "cancelled"] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

export const STAGES = ["extract", "summarize", "embed", "similar"] as const;
export type Stage = (typeof STAGES)[number];

/** Where each stage starts and ends on the one 0–100 bar. */
export const STAGE_RANGES: Record<Stage, readonly [number, number]> = {
  extract: [0, 25],
  summarize: [25, 60],
  embed: [60, 85],
  similar: [85, 100],
};

/** Human labels for the stages, shown under the bar. */
export const STAGE_LABELS: Record<Stage, string> = {
  extract: "Extracting text",
  summarize: "Summarizing",
  embed: "Embedding",
  similar: "Finding similar documents",
};

/** One change of a document's processing state. */
export interface DocumentProgress {
  id: string;
  status: DocumentStatus;
  stage: Stage;
  progress: number;
  error?: string | null;
}

export interface ServerToClientEvents {
  "document:progress": (payload: DocumentProgress) => void;
  "document:deleted": (payload: { id: string }) => void;
}

/** The answer to `document:follow`: the document's state now, or why not. */
export type FollowAnswer = { ok: true; document: DocumentProgress } | { ok: false; error: string };

export interface ClientToServerEvents {
  /**
   * Asks for one of the connection's owner's documents: the answer carries its state now (the
   * connection already receives all its owner's events). Another owner's id is "not found".
   */
  "document:follow": (id: string, answer: (result: FollowAnswer) => void) => void;
}

/** Overall percentage for a fraction (0..1) of work done inside a stage. */
export function overallProgress(stage: Stage, fraction: number): number {
  const [start, end] = STAGE_RANGES[stage];
  const clamped = Math.min(1, Math.max(0, fraction));
  return Math.round(start + (end - start) * clamped);
}

/** The Socket.IO room that receives every event of an owner's documents. */
export function ownerRoom(ownerId: string): string {
  return `owner:${ownerId}`;
}

/** The Socket.IO room of the connections opened with one session or token (closed when it ends). */
export function credentialRoom(credential: string): string {
  return `credential:${credential}`;
}
