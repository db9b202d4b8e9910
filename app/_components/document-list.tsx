import Link from "next/link";
import { STATUS_LABELS } from "@/lib/pipeline/statuses";
import type { LiveItem } from "./live-list";
import { firstLine } from "./live-summary";
import { ProgressBar } from "./progress-bar";

/** The owner's documents, each with its live progress, the first line of a summary being written and, when it failed, why. */
export function DocumentList({ documents }: { documents: LiveItem[] }) {
  if (documents.length === 0) {
    return <p className="empty-note">No documents yet. Upload a file to see its summary here.</p>;
  }
  return (
    <ul className="document-list">
      {documents.map((doc) => (
        <li key={doc.id} className="document-row" data-testid="document-row" data-id={doc.id} data-status={doc.status}>
          <div className="document-row-head">
            <Link href={`/documents/${doc.id}`} className="document-title">
              {doc.title}
            </Link>
            <span className={`status status-${doc.status}`}>{STATUS_LABELS[doc.status]}</span>
          </div>
          <p className="document-filename">{doc.filename}</p>
          <ProgressBar title={doc.title} status={doc.status} stage={doc.stage} progress={doc.progress} detail={doc.detail} />
          {doc.summaryDraft && firstLine(doc.summaryDraft) ? (
            <p className="document-draft" data-testid="summary-draft-line">
              {firstLine(doc.summaryDraft)}
            </p>
          ) : null}
          {doc.status === "failed" && doc.error ? <p className="document-error">{doc.error}</p> : null}
        </li>
      ))}
    </ul>
  );
}
