"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { STATUS_LABELS, isFinal } from "@/lib/pipeline/statuses";
import { stageLabel } from "@/lib/pipeline/table";
import { DocumentActions } from "./document-actions";
import { isUpdatingSummary } from "./live-summary";
import { ProgressBar } from "./progress-bar";
import { SummarySection } from "./summary-section";
import { useLiveDocument, type LiveDocumentState } from "./use-live-document";

/**
 * One document's live part on its own page: the bar while it runs, the reason when it failed, and
 * its summary, the new one shown as it is written. When it finishes, the page data is read again
 * so the similar documents appear.
 */
export function LiveDocument({ document, provenance }: { document: LiveDocumentState; provenance: string | null }) {
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
    <>
      <div className="live-status">
        <p className="status-line">
          Status: <span className={`status status-${current.status}`}>{STATUS_LABELS[current.status]}</span>
        </p>
        <DocumentActions id={current.id} title={current.title} status={current.status} retryable={current.retryable} />
        {finished ? null : (
          <ProgressBar title={current.title} status={current.status} stage={current.stage} progress={current.progress} detail={current.detail} />
        )}
        {current.status === "failed" ? (
          <div role="alert" className="alert">
            <p className="alert-title">Failed at {stageLabel(current.stage)}</p>
            <p>{current.error ?? "This document could not be processed."}</p>
            {current.retryable === false ? (
              <p data-testid="failure-advice">
                Trying again will fail the same way: the problem is in the file itself. Export the file again from the program that made it (or save it
                again as a new file), then upload it.
              </p>
            ) : null}
          </div>
        ) : null}
      </div>
      <SummarySection
        summary={current.summary}
        draft={current.summaryDraft ?? null}
        replacing={isUpdatingSummary(current)}
        done={current.status === "done"}
        provenance={provenance}
      />
    </>
  );
}
