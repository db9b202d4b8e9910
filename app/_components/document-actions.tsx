"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { DocumentStatus } from "@/lib/events";
import { ErrorAlert } from "./error-alert";

type Action = "cancel" | "retry" | "reprocess" | "delete";

const LABELS: Record<Action, string> = {
  cancel: "Cancel",
  retry: "Retry",
  reprocess: "Process again",
  delete: "Delete",
};

/** The actions that apply to a document in a given state. */
function actionsFor(status: DocumentStatus): Action[] {
  switch (status) {
    case "queued":
    case "processing":
      return ["cancel", "delete"];
    case "failed":
    case "cancelled":
      return ["retry", "delete"];
    case "done":
      return ["reprocess", "delete"];
  }
}

async function send(id: string, action: Action): Promise<void> {
  const response =
    action === "delete"
      ? await fetch(`/api/documents/${id}`, { method: "DELETE" })
      : await fetch(`/api/documents/${id}/${action}`, { method: "POST" });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    throw new Error(body.error ?? `The server answered ${response.status}.`);
  }
}

/** Cancel, retry, process again and delete buttons for one document. */
export function DocumentActions({ id, title, status }: { id: string; title: string; status: DocumentStatus }) {
  const router = useRouter();
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(action: Action) {
    if (action === "delete" && !window.confirm(`Delete “${title}”? This cannot be undone.`)) return;
    setBusy(action);
    setError(null);
    try {
      await send(id, action);
      if (action === "delete") router.push("/");
      else router.refresh();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="document-actions">
      {actionsFor(status).map((action) => (
        <button
          key={action}
          type="button"
          className={action === "delete" ? "button button-danger" : "button button-secondary"}
          disabled={busy !== null}
          onClick={() => void run(action)}
        >
          {busy === action ? `${LABELS[action]}…` : LABELS[action]}
        </button>
      ))}
      <ErrorAlert message={error} />
    </div>
  );
}
