import type { SummaryDraft } from "@/lib/document-types";
import { parseSummary } from "@/lib/summary-form";

interface SummarySectionProps {
  /** The last complete summary, or null. */
  summary: string | null;
  /** The summary being written now, or null. */
  draft: SummaryDraft | null;
  /** The run under way will write a new summary. */
  replacing: boolean;
  done: boolean;
  /** Which kind of summary is shown, in words ("Picked from the document's own sentences"). */
  provenance: string | null;
}

/** A summary as its form says (lib/summary-form.ts): the description's paragraphs, then the key points as a list. */
function SummaryText({ text, testId }: { text: string; testId: string }) {
  const { description, keyPoints } = parseSummary(text);
  const paragraphs = description.split(/\n\s*\n/).filter((paragraph) => paragraph.trim() !== "");
  return (
    <div data-testid={testId}>
      {paragraphs.map((paragraph, index) => (
        <p key={index} className={index === 0 ? "summary-description" : undefined} data-testid={index === 0 ? `${testId}-description` : undefined}>
          {paragraph}
        </p>
      ))}
      {keyPoints.length > 0 ? (
        <ul className="summary-key-points" aria-label="Key points" data-testid={`${testId}-key-points`}>
          {keyPoints.map((point, index) => (
            <li key={index}>{point}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * A document's summary: the last complete one, marked as being updated while the document is
 * processed again, and below it the new one as it is written, until it replaces the old one.
 */
export function SummarySection({ summary, draft, replacing, done, provenance }: SummarySectionProps) {
  const shown = summary !== null && summary.trim() !== "" ? summary : null;
  if (shown === null && !draft && !done) return null;
  const updating = shown !== null && replacing;
  return (
    <section aria-labelledby="summary-title" className="summary">
      <h2 id="summary-title">Summary</h2>
      {updating ? <p className="summary-note">Being updated: a new summary replaces this one once it is complete.</p> : null}
      {shown !== null ? (
        <div className={updating ? "summary-previous" : undefined}>
          <SummaryText text={shown} testId="summary" />
          {provenance ? <p className="provenance">{provenance}</p> : null}
        </div>
      ) : done ? (
        <p className="muted">No summary could be made from this document.</p>
      ) : null}
      {draft ? (
        <div className="summary-draft" aria-busy="true">
          <p className="summary-draft-label">{draft.retrying ? "Retrying…" : "Writing…"}</p>
          {draft.retrying ? null : <SummaryText text={draft.text} testId="summary-draft" />}
        </div>
      ) : null}
    </section>
  );
}
