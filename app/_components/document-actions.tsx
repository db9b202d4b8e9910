"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { isActive, isRetryable, type DocumentStatus } from "@/lib/pipeline/statuses";
import { ErrorAlert } from "./error-alert";
import { requestJson } from "./json-fetch";
import { rememberDeleted } from "./undo-delete";

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

/** One action's button: disabled while any action runs, "Delete…" while its own does; `minor` makes it a plain link-like button. */
export function ActionButton({
  action,
  busy,
  onRun,
  label = ACTION_LABELS[action],
  minor = false,
}: {
  action: Action;
  busy: Action | null;
  onRun: (action: Action) => void;
  label?: string;
  minor?: boolean;
}) {
  const className = minor ? "link-button" : action === "delete" ? "button button-danger" : "button button-secondary";
  return (
    <button type="button" className={className} disabled={busy !== null} onClick={() => onRun(action)}>
      {busy === action ? `${label}…` : label}
    </button>
  );
}

export interface DocumentActionsProps {
  id: string;
  title: string;
  status: DocumentStatus;
  /** With a failure: whether trying again may help (false: the file itself is the problem). */
  retryable?: boolean | null;
}

/**
 * Cancel, retry, process again and delete buttons for one document. A failure no retry can fix
 * leads with uploading a new copy; trying again is still there, as a minor choice.
 */
export function DocumentActions({ id, title, status, retryable }: DocumentActionsProps) {
  const router = useRouter();
  const [busy, setBusy] = useState<Action | null>(null);
  const [error, setError] = useState<string | null>(null);
  const hopeless = status === "failed" && retryable === false;

  async function run(action: Action) {
    if (action === "delete" && !window.confirm(`Delete “${title}”? It goes to the trash, where you can restore it.`)) return;
    setBusy(action);
    setError(null);
    try {
      await send(id, action);
      if (action === "delete") {
        rememberDeleted(id);
        router.push("/");
      }
      else router.refresh();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="document-actions">
      {hopeless ? (
        <>
          <Link href="/" className="button">
            Upload a new copy
          </Link>
          <ActionButton action="delete" busy={busy} onRun={(chosen) => void run(chosen)} />
          <ActionButton action="retry" label="Retry anyway" minor busy={busy} onRun={(chosen) => void run(chosen)} />
        </>
      ) : (
        actionsFor(status).map((action) => <ActionButton key={action} action={action} busy={busy} onRun={(chosen) => void run(chosen)} />)
      )}
      <ErrorAlert message={error} />
    </div>
  );
}
