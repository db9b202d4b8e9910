import type { SummaryDraft } from "@/lib/document-types";

interface SummarySectionProps {
  /** The last complete summary, or null. */
  summary: string | null;
  /** The summary being written now, or null. */
  draft: SummaryDraft | null;
  /** The run under way will write a new summary. */
  replacing: boolean;
  done: boolean;
  /** "provider (model)" of the summary shown. */
  provenance: string | null;
}

function Paragraphs({ text, testId }: { text: string; testId: string }) {
  const paragraphs = text.split(/\n\s*\n/).filter((paragraph) => paragraph.trim() !== "");
  return (
    <div data-testid={testId}>
      {paragraphs.map((paragraph, index) => (
        <p key={index}>{paragraph}</p>
      ))}
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
          <Paragraphs text={shown} testId="summary" />
          {provenance ? <p className="provenance">Summary by {provenance}</p> : null}
        </div>
      ) : done ? (
        <p className="muted">No summary could be made from this document.</p>
      ) : null}
      {draft ? (
        <div className="summary-draft" aria-busy="true">
          <p className="summary-draft-label">{draft.retrying ? "Retrying…" : "Writing…"}</p>
          {draft.retrying ? null : <Paragraphs text={draft.text} testId="summary-draft" />}
        </div>
      ) : null}
    </section>
  );
}
