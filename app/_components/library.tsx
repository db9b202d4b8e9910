"use client";

import Link from "next/link";
import { useState } from "react";
import type { LibraryPage } from "@/lib/library";
import type { LibraryView } from "@/lib/library-query";
import { BulkActions, type ActionResult } from "./bulk-actions";
import type { Action } from "./document-actions";
import { DocumentList } from "./document-list";
import { EmptyLibrary } from "./empty-library";
import { ErrorAlert } from "./error-alert";
import { FollowedWork, useFollowedWork } from "./followed-work";
import { LibraryControls } from "./library-controls";
import { NO_SELECTION, selectAll, selectedIn, selectRow } from "./selection";
import { UploadZone } from "./upload-zone";
import { useLiveDocuments } from "./use-live-documents";

export interface LibraryProps {
  /** The sort and filters of the page's URL. */
  view: LibraryView;
  /** The view's first page, read by the server. */
  initialPage: LibraryPage;
}

function countText(shown: number, total: number): string {
  return `Showing ${shown} of ${total} document${total === 1 ? "" : "s"}`;
}

/**
 * The home page's interactive part: the upload zone feeding the live document list, its sort
 * and filters, a page at a time, and actions on the selected documents.
 */
export function Library({ view, initialPage }: LibraryProps) {
  const live = useLiveDocuments(initialPage, view);
  const following = useFollowedWork();
  const [selection, setSelection] = useState(NO_SELECTION);
  const [loadingMore, setLoadingMore] = useState(false);
  const [loadError, setLoadError] = useState<string | null>(null);

  const order = live.documents.map((doc) => doc.id);
  const selected = selectedIn(selection, order);
  const allSelected = order.length > 0 && selected.length === order.length;
  const filtered = view.status !== undefined || view.type !== undefined || view.batch !== undefined;

  async function loadMore() {
    setLoadingMore(true);
    setLoadError(null);
    try {
      await live.loadMore();
    } catch (failure) {
      setLoadError((failure as Error).message);
    } finally {
      setLoadingMore(false);
    }
  }

  function actionDone(action: Action, results: ActionResult[]) {
    setSelection(NO_SELECTION);
    if (action === "delete") {
      const deleted = results.filter((result) => result.ok).map((result) => result.id);
      for (const id of deleted) live.remove(id);
      following.deleted(deleted);
    }
    void live.refresh();
  }

  return (
    <>
      <UploadZone
        onUploaded={(documents, batchId) => {
          live.addUploaded(documents);
          following.uploaded(batchId);
        }}
      />
      <FollowedWork following={following} onRestored={live.restored} />
      <section aria-labelledby="library-title" className="library">
        <h2 id="library-title">Your documents</h2>
        <LibraryControls view={view} />
        {live.documents.length > 0 ? (
          <div className="library-summary">
            <label className="select-all">
              <input
                type="checkbox"
                checked={allSelected}
                ref={(input) => {
                  if (input) input.indeterminate = selected.length > 0 && !allSelected;
                }}
                onChange={(event) => setSelection(selectAll(order, event.currentTarget.checked))}
              />
              Select all on this page
            </label>
            <p className="library-count">{countText(live.documents.length, live.total)}</p>
          </div>
        ) : null}
        <BulkActions ids={selected} onDone={actionDone} />
        {live.documents.length > 0 ? (
          <DocumentList
            documents={live.documents}
            selected={selection.ids}
            onSelect={(id, checked, extend) => setSelection((current) => selectRow(current, order, id, checked, extend))}
          />
        ) : filtered ? (
          <p className="empty-note">
            No documents match these filters. <Link href="/">Show all documents</Link>
          </p>
        ) : (
          <EmptyLibrary />
        )}
        {live.nextCursor !== null ? (
          <div className="load-more">
            <button type="button" className="button button-secondary" disabled={loadingMore} onClick={() => void loadMore()}>
              {loadingMore ? "Loading…" : "Load more"}
            </button>
          </div>
        ) : null}
        <ErrorAlert message={loadError} />
      </section>
    </>
  );
}
