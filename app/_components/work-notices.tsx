"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useEffect, useEffectEvent, useState } from "react";
import type { DocumentDetail } from "@/lib/document-types";
import type { DocumentProgress } from "@/lib/events";
import { requestJson } from "./json-fetch";
import { getSocket } from "./socket";
import { useTabCount } from "./use-tab-count";

/** The most notices shown at once (the oldest goes first). */
const MAX_NOTICES = 3;

interface Notice {
  id: string;
  title: string;
  status: "done" | "failed";
}

/** Whether the page at `path` already shows what happened to the document (the library, or its own page). */
function pageShows(path: string, id: string): boolean {
  return path === "/" || path === `/documents/${id}`;
}

function noticeText(notice: Notice): string {
  return notice.status === "done" ? `“${notice.title}” is ready.` : `“${notice.title}” could not be processed.`;
}

/**
 * Small notices, on any page that does not already show it, when one of the person's documents
 * finishes or fails, with a link to it; a browser notification too while the tab is hidden, once
 * the person has asked for them with a click. The notices are a polite live region. The tab title
 * counts the documents in progress.
 */
export function WorkNotices() {
  useTabCount();
  const path = usePathname();
  const [notices, setNotices] = useState<Notice[]>([]);
  const [permission, setPermission] = useState<NotificationPermission | "unsupported">("unsupported");

  useEffect(() => {
    if ("Notification" in window) setPermission(Notification.permission);
  }, []);

  const onProgress = useEffectEvent(async (event: DocumentProgress) => {
    if ((event.status !== "done" && event.status !== "failed") || pageShows(path, event.id)) return;
    const doc = await requestJson<DocumentDetail>(`/api/documents/${event.id}`).catch(() => null);
    if (!doc) return;
    const notice: Notice = { id: event.id, title: doc.title, status: event.status };
    setNotices((shown) => [...shown.filter((n) => n.id !== notice.id), notice].slice(-MAX_NOTICES));
    if (document.hidden && permission === "granted") new Notification("Docsum", { body: noticeText(notice) });
  });

  useEffect(() => {
    const socket = getSocket();
    const listener = (event: DocumentProgress) => void onProgress(event);
    socket.on("document:progress", listener);
    return () => void socket.off("document:progress", listener);
  }, []);

  return (
    <aside className="work-notices" aria-label="Notices">
      <div role="status" aria-live="polite">
        {notices.map((notice) => (
          <p key={notice.id} className={`notice work-notice work-notice-${notice.status}`} data-testid="work-notice">
            {noticeText(notice)} <Link href={`/documents/${notice.id}`}>Open it</Link>{" "}
            <button type="button" className="link-button" onClick={() => setNotices((shown) => shown.filter((n) => n.id !== notice.id))}>
              Dismiss
            </button>
          </p>
        ))}
      </div>
      {permission === "default" && notices.length > 0 ? (
        <button type="button" className="link-button" onClick={() => void Notification.requestPermission().then(setPermission)}>
          Also tell me when this tab is in the background
        </button>
      ) : null}
    </aside>
  );
}
