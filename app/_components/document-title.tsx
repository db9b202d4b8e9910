"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "./error-alert";
import { requestJson } from "./json-fetch";

/** The document page's heading, with a control to rename the document. */
export function DocumentTitle({ id, title }: { id: string; title: string }) {
  const router = useRouter();
  const [shown, setShown] = useState(title);
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(title);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const renamed = await requestJson<{ title: string }>(`/api/documents/${id}`, { method: "PATCH", json: { title: draft } });
      setShown(renamed.title);
      setEditing(false);
      router.refresh();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setSaving(false);
    }
  }

  if (!editing) {
    return (
      <div className="document-title">
        <h1>{shown}</h1>
        <button
          type="button"
          className="button button-secondary"
          onClick={() => {
            setDraft(shown);
            setEditing(true);
          }}
        >
          Rename
        </button>
      </div>
    );
  }
  return (
    <form className="document-title" onSubmit={save} aria-label="Rename the document">
      <label className="visually-hidden" htmlFor={`title-${id}`}>
        Title
      </label>
      <input id={`title-${id}`} className="input" value={draft} maxLength={200} autoFocus onChange={(event) => setDraft(event.currentTarget.value)} />
      <button type="submit" className="button" disabled={saving}>
        Save
      </button>
      <button type="button" className="button button-secondary" disabled={saving} onClick={() => setEditing(false)}>
        Cancel
      </button>
      <ErrorAlert message={error} />
    </form>
  );
}
