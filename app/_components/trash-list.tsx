"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { TrashedListItem } from "@/lib/document-types";
import { formatBytes } from "@/lib/format";
import { ErrorAlert } from "./error-alert";
import { requestJson } from "./json-fetch";

const DATE_FORMAT = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

type Result = { id: string; ok: boolean; error?: string };

async function act(action: "restore" | "purge", ids: readonly string[]): Promise<Result[]> {
  return (await requestJson<{ results: Result[] }>("/api/documents/actions", { method: "POST", json: { action, ids } })).results;
}

/** The trash: each deleted document with Restore and Delete for good, and Empty trash for all of them. */
export function TrashList({ documents }: { documents: TrashedListItem[] }) {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [status, setStatus] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function run(action: "restore" | "purge", ids: readonly string[], key: string) {
    if (action === "purge" && !window.confirm(ids.length === 1 ? "Delete this document for good? This cannot be undone." : `Delete ${ids.length} documents for good? This cannot be undone.`)) return;
    setBusy(key);
    setError(null);
    try {
      const results = await act(action, ids);
      const refused = results.filter((r) => !r.ok);
      const done = results.length - refused.length;
      setStatus(action === "restore" ? `${done} restored` : `${done} deleted for good`);
      if (refused.length > 0) setError(refused[0].error ?? "Some documents could not be changed.");
      router.refresh();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(null);
    }
  }

  return (
    <>
      <p role="status" className="bulk-status">
        {status}
      </p>
      <ErrorAlert message={error} />
      {documents.length === 0 ? (
        <p className="empty-note">The trash is empty.</p>
      ) : (
        <>
          <button type="button" className="button button-danger" disabled={busy !== null} onClick={() => void run("purge", documents.map((d) => d.id), "all")}>
            {busy === "all" ? "Emptying…" : "Empty trash"}
          </button>
          <ul className="document-list trash-list">
            {documents.map((doc) => (
              <li key={doc.id} className="document-row" data-testid="trash-row">
                <div className="document-main">
                  <span className="document-title">{doc.title}</span>
                  <span className="muted">
                    {` ${doc.filename} · ${formatBytes(doc.size)} · deleted ${DATE_FORMAT.format(new Date(doc.deletedAt))}, removed for good after ${DATE_FORMAT.format(new Date(doc.purgeAt))}`}
                  </span>
                </div>
                <div className="document-actions">
                  <button type="button" className="button button-secondary" disabled={busy !== null} aria-label={`Restore ${doc.title}`} onClick={() => void run("restore", [doc.id], doc.id)}>
                    Restore
                  </button>
                  <button type="button" className="link-button" disabled={busy !== null} aria-label={`Delete ${doc.title} for good`} onClick={() => void run("purge", [doc.id], doc.id)}>
                    Delete for good
                  </button>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
