"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { isActive, isRetryable, type DocumentStatus } from "@/lib/pipeline/statuses";
import { ErrorAlert } from "./error-alert";
import { requestJson } from "./json-fetch";

type Action = "cancel" | "retry" | "reprocess" | "delete";

const LABELS: Record<Action, string> = {
  cancel: "Cancel",
  retry: "Retry",
  reprocess: "Process again",
  delete: "Delete",
};

/** The actions that apply to a document in a given state. */
function actionsFor(status: DocumentStatus): Action[] {
  if (isActive(status)) return ["cancel", "delete"];
  if (isRetryable(status)) return ["retry", "delete"];
  return ["reprocess", "delete"];
}

async function send(id: string, action: Action): Promise<void> {
  if (action === "delete") await requestJson(`/api/documents/${id}`, { method: "DELETE" });
  else await requestJson(`/api/documents/${id}/${action}`, { method: "POST" });
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
