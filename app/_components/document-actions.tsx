"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { isActive, isRetryable, type DocumentStatus } from "@/lib/pipeline/statuses";
import { ErrorAlert } from "./error-alert";
import { requestJson } from "./json-fetch";

/** What a person can do to a document, on its page or to several at once in the library. */
export type Action = "cancel" | "retry" | "reprocess" | "delete";

/** How each action's button reads. */
const ACTION_LABELS: Record<Action, string> = {
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

/** One action's button: disabled while any action runs, "Delete…" while its own does. */
export function ActionButton({ action, busy, onRun }: { action: Action; busy: Action | null; onRun: (action: Action) => void }) {
  return (
    <button
      type="button"
      className={action === "delete" ? "button button-danger" : "button button-secondary"}
      disabled={busy !== null}
      onClick={() => onRun(action)}
    >
      {busy === action ? `${ACTION_LABELS[action]}…` : ACTION_LABELS[action]}
    </button>
  );
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
        <ActionButton key={action} action={action} busy={busy} onRun={(chosen) => void run(chosen)} />
      ))}
      <ErrorAlert message={error} />
    </div>
  );
}
