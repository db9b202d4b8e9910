"use client";

import { useRef, useState } from "react";
import type { UploadedDocument } from "@/lib/document-types";
import type { LibraryPage } from "@/lib/library";
import { libraryApiHref, type LibraryView } from "@/lib/library-query";
import { isActive } from "@/lib/pipeline/statuses";
import { requestJson } from "./json-fetch";
import { LiveList, type LivePage } from "./live-list";
import { useDocumentEvents } from "./use-document-events";

/**
 * The library page's documents, live: starts from the server-rendered first page of `view`,
 * reads the first page again on every (re)connect, applies progress events, polls while the
 * socket is down and work runs, and appends the next page on `loadMore`.
 */
export function useLiveDocuments(initial: LibraryPage, view: LibraryView) {
  const [shown, setShown] = useState<LivePage>(initial);
  const list = useRef<LiveList | null>(null);
  list.current ??= new LiveList(initial, {
    readPage: (cursor) => requestJson<LibraryPage>(libraryApiHref(view, cursor)),
    onChange: setShown,
    showsNewFirst: view.sort === "newest" && !view.status && !view.type,
  });
  const live = list.current;

  useDocumentEvents(
    {
      connect: () => void live.refresh(),
      progress: (event) => live.apply(event),
      summary: (event) => live.applySummary(event),
      deleted: (id) => live.remove(id),
      poll: () => void live.refresh(),
    },
    shown.documents.some((doc) => isActive(doc.status)),
  );

  return {
    ...shown,
    addUploaded: (uploaded: UploadedDocument[]) => live.addUploaded(uploaded),
    loadMore: () => live.loadMore(),
    refresh: () => live.refresh(),
    remove: (id: string) => live.remove(id),
    restored: (ids: string[]) => {
      live.restored(ids);
      void live.refresh();
    },
  };
}
