"use client";

import Link from "next/link";
import { useState } from "react";
import { ErrorAlert } from "./error-alert";
import { requestJson } from "./json-fetch";

const REMEMBERED = "docsum:deleted";

/** Keeps a document deleted on another page of this tab, so the library's notice can offer its Undo. */
export function rememberDeleted(id: string): void {
  const ids = new Set([...takeRemembered(), id]);
  window.sessionStorage.setItem(REMEMBERED, JSON.stringify([...ids]));
}

/** The documents deleted on another page of this tab since the library last looked, forgotten once read. */
export function takeRemembered(): string[] {
  const raw = window.sessionStorage.getItem(REMEMBERED);
  window.sessionStorage.removeItem(REMEMBERED);
  try {
    const ids: unknown = JSON.parse(raw ?? "[]");
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
  } catch {
    return [];
  }
}

/** One id's answer from POST /api/documents/actions. */
type Result = { id: string; ok: boolean; error?: string };

/** Brings documents back from the trash (one request, each id on its own); answers the ids restored. */
export async function restoreDocuments(ids: readonly string[]): Promise<{ restored: string[]; refused: Result[] }> {
  const { results } = await requestJson<{ results: Result[] }>("/api/documents/actions", { method: "POST", json: { action: "restore", ids } });
  return { restored: results.filter((r) => r.ok).map((r) => r.id), refused: results.filter((r) => !r.ok) };
}

export interface UndoDeleteProps {
  /** The documents just moved to the trash. */
  ids: readonly string[];
  /** Called with the ids brought back. */
  onRestored: (ids: string[]) => void;
  onDismiss: () => void;
}

/** The notice after a delete: how many went to the trash, with Undo and a link to the trash. */
export function UndoDelete({ ids, onRestored, onDismiss }: UndoDeleteProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (ids.length === 0) return null;

  async function undo() {
    setBusy(true);
    setError(null);
    try {
      const { restored, refused } = await restoreDocuments(ids);
      if (refused.length > 0) setError(refused[0].error ?? "Some documents could not be restored.");
      onRestored(restored);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="notice undo-delete" data-testid="undo-delete">
      <p>{ids.length === 1 ? "Moved 1 document to the trash." : `Moved ${ids.length} documents to the trash.`}</p>
      <button type="button" className="button button-secondary" disabled={busy} onClick={() => void undo()}>
        {busy ? "Undo…" : "Undo"}
      </button>
      <Link href="/trash">Open the trash</Link>
      <button type="button" className="link-button" onClick={onDismiss}>
        Dismiss
      </button>
      <ErrorAlert message={error} />
    </div>
  );
}
