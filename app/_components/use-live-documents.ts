"use client";

import { useRef, useState } from "react";
import type { DocumentListItem, UploadedDocument } from "@/lib/document-types";
import { isActive } from "@/lib/pipeline/statuses";
import { requestJson } from "./json-fetch";
import { LiveList, type LiveItem } from "./live-list";
import { useDocumentEvents } from "./use-document-events";

async function fetchDocuments(): Promise<DocumentListItem[]> {
  return (await requestJson<{ documents: DocumentListItem[] }>("/api/documents")).documents;
}

/**
 * The owner's documents, live: starts from the server-rendered list, reloads it on every
 * (re)connect, applies progress events, and polls while the socket is down and work runs.
 */
export function useLiveDocuments(initial: DocumentListItem[]) {
  const [documents, setDocuments] = useState<LiveItem[]>(initial);
  const list = useRef<LiveList | null>(null);
  list.current ??= new LiveList(initial, fetchDocuments, setDocuments);
  const live = list.current;

  useDocumentEvents(
    {
      connect: () => void live.refresh(),
      progress: (event) => live.apply(event),
      summary: (event) => live.applySummary(event),
      deleted: (id) => live.remove(id),
      poll: () => void live.refresh(),
    },
    documents.some((doc) => isActive(doc.status)),
  );

  return { documents, addUploaded: (uploaded: UploadedDocument[]) => live.addUploaded(uploaded) };
}
