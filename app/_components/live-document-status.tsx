"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import type { DocumentListItem } from "@/lib/document-types";
import { STATUS_LABELS, isFinal } from "@/lib/pipeline/statuses";
import { stageLabel } from "@/lib/pipeline/table";
import { DocumentActions } from "./document-actions";
import { ProgressBar } from "./progress-bar";
import { useLiveDocument } from "./use-live-document";

/**
 * One document's live status on its own page: the bar while it runs, the reason when it failed.
 * When it finishes, the page data is read again so the summary and similar documents appear.
 */
export function LiveDocumentStatus({ document }: { document: DocumentListItem }) {
  const router = useRouter();
  const current = useLiveDocument(document);
  const finished = isFinal(current.status);
  const wasFinished = useRef(isFinal(document.status));

  // Read the page again whenever the document finishes (also after a retry or a re-run).
  useEffect(() => {
    if (finished && !wasFinished.current) router.refresh();
    wasFinished.current = finished;
  }, [finished, router]);

  return (
    <div className="live-status">
      <p className="status-line">
        Status: <span className={`status status-${current.status}`}>{STATUS_LABELS[current.status]}</span>
      </p>
      <DocumentActions id={current.id} title={current.title} status={current.status} />
      {finished ? null : <ProgressBar title={current.title} status={current.status} stage={current.stage} progress={current.progress} />}
      {current.status === "failed" ? (
        <div role="alert" className="alert">
          <p className="alert-title">Failed at {stageLabel(current.stage)}</p>
          <p>{current.error ?? "This document could not be processed."}</p>
        </div>
      ) : null}
    </div>
  );
}
