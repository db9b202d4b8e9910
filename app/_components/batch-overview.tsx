"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import type { BatchProgress } from "@/lib/document-types";
import { libraryHref } from "@/lib/library-query";
import { requestJson } from "./json-fetch";

/** How often a running batch's counts are read again. */
const READ_EVERY_MS = 1000;

function eta(seconds: number | null): string {
  if (seconds === null || seconds <= 0) return "";
  if (seconds < 90) return ` · about ${Math.max(5, Math.round(seconds / 5) * 5)} s left`;
  return ` · about ${Math.round(seconds / 60)} min left`;
}

/** "12 of 31 done · 2 failed · about 40 s left" while it runs; "31 done, 2 failed" (or "31 of 31 done") once it has ended. */
export function batchText(batch: BatchProgress): string {
  const failed = batch.failed > 0 ? ` · ${batch.failed} failed` : "";
  if (batch.active > 0) return `${batch.done} of ${batch.total} done${failed}${eta(batch.etaSeconds)}`;
  return batch.failed > 0 ? `${batch.done} done, ${batch.failed} failed` : `${batch.done} of ${batch.total} done`;
}

/**
 * The bar above the list for the last upload (a batch): its counts and estimate while it runs,
 * read again every second; clicking it shows the batch's documents; once it has ended it says so
 * until dismissed.
 */
export function BatchOverview({ batchId, onDismiss }: { batchId: string; onDismiss: () => void }) {
  const router = useRouter();
  const [batch, setBatch] = useState<BatchProgress | null>(null);
  const running = batch === null || batch.active > 0;

  useEffect(() => {
    if (!running) return;
    let stopped = false;
    const read = () =>
      requestJson<BatchProgress>(`/api/batches/${batchId}`)
        .then((answer) => !stopped && setBatch(answer))
        .catch(() => undefined);
    void read();
    const timer = setInterval(() => void read(), READ_EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [batchId, running]);

  if (!batch) return null;
  const share = batch.total > 0 ? Math.round((100 * (batch.done + batch.failed)) / batch.total) : 0;
  return (
    <div className="batch-overview" data-testid="batch-overview" data-running={running}>
      <button type="button" className="batch-overview-main" onClick={() => router.push(libraryHref({ batch: batchId }))} aria-label={`Show this upload's documents: ${batchText(batch)}`}>
        <span className="batch-overview-text">{batchText(batch)}</span>
        <span className="progress-track" aria-hidden="true">
          <span className="progress-fill" style={{ width: `${share}%` }} />
        </span>
      </button>
      {running ? null : (
        <button type="button" className="link-button" onClick={onDismiss}>
          Dismiss
        </button>
      )}
      {/* Screen readers hear once that the upload has been processed, not every count on the way. */}
      <p role="status" className="visually-hidden">
        {running ? "" : `Your upload has been processed: ${batchText(batch)}.`}
      </p>
    </div>
  );
}
