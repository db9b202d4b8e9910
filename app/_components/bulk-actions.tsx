"use client";

import { useState } from "react";
import { ActionButton, type Action } from "./document-actions";
import { ErrorAlert } from "./error-alert";
import { requestJson } from "./json-fetch";

/** One id's answer from POST /api/documents/actions. */
export type ActionResult = { id: string; ok: true } | { id: string; ok: false; status: number; error: string };

/** The most ids the endpoint takes in one request. */
const MAX_IDS_PER_REQUEST = 1000;

/** The bar's buttons, in the order shown. */
const ACTIONS: readonly Action[] = ["retry", "reprocess", "cancel", "delete"];

/** What happened to a document when its action went through ("3 deleted"). */
const DONE_WORDS: Record<Action, string> = { retry: "retried", reprocess: "queued again", cancel: "cancelled", delete: "deleted" };

function documentCount(count: number): string {
  return `${count} document${count === 1 ? "" : "s"}`;
}

/** The confirmation that names what is about to happen to how many documents. */
function question(action: Action, count: number): string {
  const documents = documentCount(count);
  switch (action) {
    case "retry":
      return `Retry ${documents}?`;
    case "reprocess":
      return `Process ${documents} again?`;
    case "cancel":
      return `Cancel ${documents}?`;
    case "delete":
      return `Delete ${documents}? They go to the trash, where you can restore them.`;
  }
}

/** "8 deleted, 1 could not be: <the first refusal's message>". */
function summary(action: Action, results: readonly ActionResult[]): string {
  const refused = results.filter((result) => !result.ok);
  const done = `${results.length - refused.length} ${DONE_WORDS[action]}`;
  return refused.length === 0 ? done : `${done}, ${refused.length} could not be: ${refused[0].error}`;
}

/** Sends one action for every id (in as few requests as the endpoint allows) and answers each id's result. */
async function sendAction(action: Action, ids: readonly string[]): Promise<ActionResult[]> {
  const results: ActionResult[] = [];
  for (let start = 0; start < ids.length; start += MAX_IDS_PER_REQUEST) {
    const chunk = ids.slice(start, start + MAX_IDS_PER_REQUEST);
    const answer = await requestJson<{ results: ActionResult[] }>("/api/documents/actions", { method: "POST", json: { action, ids: chunk } });
    results.push(...answer.results);
  }
  return results;
}

export interface BulkActionsProps {
  /** The selected documents, in the order shown. */
  ids: readonly string[];
  /** Called once an action has been answered, with each id's result. */
  onDone: (action: Action, results: ActionResult[]) => void;
}

/** The bar over the selected documents (retry, process again, cancel, delete), and what the last action did. */
export function BulkActions({ ids, onDone }: BulkActionsProps) {
  const [busy, setBusy] = useState<Action | null>(null);
  const [outcome, setOutcome] = useState("");
  const [error, setError] = useState<string | null>(null);

  async function run(action: Action) {
    if (!window.confirm(question(action, ids.length))) return;
    setBusy(action);
    setError(null);
    setOutcome("");
    try {
      const results = await sendAction(action, ids);
      setOutcome(summary(action, results));
      onDone(action, results);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="bulk-actions">
      {ids.length > 0 ? (
        <div className="bulk-bar" role="group" aria-label="Selected documents" aria-busy={busy !== null}>
          <p className="bulk-count">{`${ids.length} selected`}</p>
          <div className="bulk-buttons">
            {ACTIONS.map((action) => (
              <ActionButton key={action} action={action} busy={busy} onRun={(chosen) => void run(chosen)} />
            ))}
          </div>
        </div>
      ) : null}
      <p role="status" className="bulk-status">
        {outcome}
      </p>
      <ErrorAlert message={error} />
    </div>
  );
}
