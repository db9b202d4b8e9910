import Link from "next/link";
import type { ChangeEvent } from "react";
import { STATUS_LABELS } from "@/lib/pipeline/statuses";
import type { LiveItem } from "./live-list";
import { firstLine } from "./live-summary";
import { ProgressBar } from "./progress-bar";
import { Thumbnail } from "./thumbnail";

export interface DocumentListProps {
  documents: LiveItem[];
  selected: ReadonlySet<string>;
  /** A row's checkbox was set to `checked`; `extend` when Shift was held (select the range). */
  onSelect: (id: string, checked: boolean, extend: boolean) => void;
}

/** Whether Shift was held: React reports a checkbox's change from its click event. */
function shiftHeld(event: ChangeEvent<HTMLInputElement>): boolean {
  return (event.nativeEvent as Partial<MouseEvent>).shiftKey === true;
}

/** The owner's documents, each with a checkbox, its live progress, the first line of a summary being written and, when it failed, why. */
export function DocumentList({ documents, selected, onSelect }: DocumentListProps) {
  return (
    <ul className="document-list">
      {documents.map((doc) => (
        <li key={doc.id} className="document-row" data-testid="document-row" data-id={doc.id} data-status={doc.status}>
          <input
            type="checkbox"
            className="row-select"
            aria-label={`Select ${doc.title}`}
            checked={selected.has(doc.id)}
            onChange={(event) => onSelect(doc.id, event.currentTarget.checked, shiftHeld(event))}
          />
          <div className="document-row-body">
            <Thumbnail id={doc.id} mimeType={doc.mimeType} status={doc.status} stage={doc.stage} size="small" />
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
          </div>
        </li>
      ))}
    </ul>
  );
}
