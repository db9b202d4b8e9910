"use client";

import { useEffect, useRef, useState } from "react";
import type { LibraryPage } from "@/lib/library";
import { MAX_PAGE_SIZE } from "@/lib/library-query";
import { isActive } from "@/lib/pipeline/statuses";
import { requestJson } from "./json-fetch";
import { useDocumentEvents } from "./use-document-events";

/** A count the tab title starts with, "(3) ", and the page's own title after it. */
const COUNT_PREFIX = /^\(\d+\) /;

/** What the person's documents in progress are known as: the ids read or announced, and how many more the read counted. */
interface ActiveWork {
  ids: ReadonlySet<string>;
  unlisted: number;
}

/**
 * How many of the person's documents are queued or processing, on any page: read on every
 * (re)connect, then followed by the progress events (polled while the socket is down).
 */
function useActiveCount(): number {
  const [work, setWork] = useState<ActiveWork>({ ids: new Set(), unlisted: 0 });
  const reading = useRef(false);

  async function read() {
    if (reading.current) return;
    reading.current = true;
    try {
      const page = await requestJson<LibraryPage>(`/api/documents?status=active&sort=oldest&limit=${MAX_PAGE_SIZE}`);
      setWork({ ids: new Set(page.documents.map((doc) => doc.id)), unlisted: Math.max(0, page.total - page.documents.length) });
    } catch {
      // The next connect or poll reads again.
    } finally {
      reading.current = false;
    }
  }

  useDocumentEvents(
    {
      connect: () => void read(),
      progress: (event) => {
        const active = isActive(event.status);
        // A document past the first read's page ended: only a new read can say how many are left.
        if (!active && !work.ids.has(event.id) && work.unlisted > 0) return void read();
        if (active === work.ids.has(event.id)) return;
        setWork(({ ids, unlisted }) => {
          const next = new Set(ids);
          if (active) next.add(event.id);
          else next.delete(event.id);
          return { ids: next, unlisted };
        });
      },
      summary: () => {},
      deleted: (id) => {
        if (!work.ids.has(id)) return;
        setWork(({ ids, unlisted }) => ({ ids: new Set([...ids].filter((known) => known !== id)), unlisted }));
      },
      poll: () => void read(),
    },
    work.ids.size + work.unlisted > 0,
  );

  return work.ids.size + work.unlisted;
}

/**
 * The tab title starts with how many documents are in progress, "(3) Docsum" or
 * "(3) Report · Docsum", on every page; the page's own title follows, also after a navigation
 * changes it.
 */
export function useTabCount(): void {
  const count = useActiveCount();
  useEffect(() => {
    const apply = () => {
      const title = window.document.title.replace(COUNT_PREFIX, "");
      const wanted = count > 0 ? `(${count}) ${title}` : title;
      if (window.document.title !== wanted) window.document.title = wanted;
    };
    apply();
    // A navigation writes the next page's title: the count goes back in front of it.
    const observer = new MutationObserver(apply);
    observer.observe(window.document.head, { childList: true, subtree: true, characterData: true });
    return () => {
      observer.disconnect();
      const title = window.document.title.replace(COUNT_PREFIX, "");
      if (window.document.title !== title) window.document.title = title;
    };
  }, [count]);
}
