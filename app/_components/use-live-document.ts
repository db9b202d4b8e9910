"use client";

import { useRouter } from "next/navigation";
import { rememberDeleted } from "./undo-delete";
import { useRef, useState } from "react";
import type { DocumentDetail } from "@/lib/document-types";
import type { DocumentSummaryEvent, FollowedDocument } from "@/lib/events";
import { isActive } from "@/lib/pipeline/statuses";
import { requestJson } from "./json-fetch";
import { applyProgress, type DocumentUpdate, type LiveItem } from "./live-list";
import { applySummaryEvent } from "./live-summary";
import { useDocumentEvents } from "./use-document-events";

/** One document on its page: its state, its last complete summary and the one being written. */
export type LiveDocumentState = LiveItem & { summary: string | null };

/** What changes the page's document, in the order it arrived. */
type LiveEvent =
  | { kind: "progress"; update: DocumentUpdate }
  | { kind: "summary"; event: DocumentSummaryEvent }
  | { kind: "read"; document: DocumentDetail | FollowedDocument };

function applyEvent(current: LiveDocumentState, change: LiveEvent): LiveDocumentState {
  switch (change.kind) {
    case "progress":
      return applyProgress(current, change.update);
    case "summary":
      // The final text is the stored summary from now on.
      return { ...applySummaryEvent(current, change.event), summary: change.event.done ? change.event.text : current.summary };
    case "read":
      return { ...applyProgress(current, change.document), summary: change.document.summary };
  }
}

/**
 * One document, live: follows it on every (re)connect (`document:follow` answers its state and
 * summary draft now), applies its progress and summary events, polls GET /api/documents/:id while
 * the socket is down and it runs, and sends the person home when it is deleted.
 */
export function useLiveDocument(initial: LiveDocumentState): LiveDocumentState {
  const router = useRouter();
  const [document, setDocument] = useState(initial);
  const { id } = initial;
  // Events that arrive while a follow is unanswered, replayed on top of the answer.
  const unanswered = useRef<LiveEvent[] | null>(null);
  const apply = (change: LiveEvent) => setDocument((current) => applyEvent(current, change));
  const live = (change: LiveEvent) => {
    unanswered.current?.push(change);
    apply(change);
  };

  useDocumentEvents(
    {
      connect(socket) {
        const replay: LiveEvent[] = [];
        unanswered.current = replay;
        socket.emit("document:follow", id, (answer) => {
          if (unanswered.current === replay) unanswered.current = null;
          // A refusal (not found, trouble on the server) keeps what is shown. The answer carries the
          // summary too: one finished while the connection was away is shown.
          if (answer.ok) apply({ kind: "read", document: answer.document });
          replay.forEach(apply);
        });
      },
      progress(event) {
        if (event.id === id) live({ kind: "progress", update: event });
      },
      summary(event) {
        if (event.id === id) live({ kind: "summary", event });
      },
      deleted(deleted) {
        // Home, where the delete can be undone (as from this page's own Delete button).
        if (deleted === id) {
          rememberDeleted(id);
          router.push("/");
        }
      },
      poll() {
        // A failed read keeps what is shown; the next poll or connect reads again.
        void requestJson<DocumentDetail>(`/api/documents/${id}`).then((read) => apply({ kind: "read", document: read }), () => undefined);
      },
    },
    isActive(document.status),
  );

  return document;
}
