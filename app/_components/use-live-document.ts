"use client";

import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import type { DocumentListItem } from "@/lib/document-types";
import type { DocumentProgress } from "@/lib/events";
import { isActive } from "@/lib/pipeline/statuses";
import { requestJson } from "./json-fetch";
import { applyProgress } from "./live-list";
import { useDocumentEvents } from "./use-document-events";

/**
 * One document, live: follows it on every (re)connect (`document:follow` answers its state now),
 * applies its progress events, polls GET /api/documents/:id while the socket is down and it runs,
 * and sends the person home when it is deleted.
 */
export function useLiveDocument(initial: DocumentListItem): DocumentListItem {
  const router = useRouter();
  const [document, setDocument] = useState(initial);
  const { id } = initial;
  // Events that arrive while a follow is unanswered, replayed on top of the answer.
  const unanswered = useRef<DocumentProgress[] | null>(null);
  const update = (state: DocumentProgress) => setDocument((current) => applyProgress(current, state));

  useDocumentEvents(
    {
      connect(socket) {
        const replay: DocumentProgress[] = [];
        unanswered.current = replay;
        socket.emit("document:follow", id, (answer) => {
          if (unanswered.current === replay) unanswered.current = null;
          // A refusal (not found, trouble on the server) keeps what is shown.
          if (answer.ok) update(answer.document);
          replay.forEach(update);
        });
      },
      progress(event) {
        if (event.id !== id) return;
        unanswered.current?.push(event);
        update(event);
      },
      deleted(deleted) {
        if (deleted === id) router.push("/");
      },
      poll() {
        // A failed read keeps what is shown; the next poll or connect reads again.
        void requestJson<DocumentProgress>(`/api/documents/${id}`).then(update, () => undefined);
      },
    },
    isActive(document.status),
  );

  return document;
}
