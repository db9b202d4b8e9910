import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { DocumentOutline } from "@/app/_components/document-outline";
import { DocumentText } from "@/app/_components/document-text";
import { DocumentTitle } from "@/app/_components/document-title";
import { Questions } from "@/app/_components/questions";
import { LiveDocument } from "@/app/_components/live-document";
import { LocalTime } from "@/app/_components/local-time";
import { Thumbnail } from "@/app/_components/thumbnail";
import type { LiveDocumentState } from "@/app/_components/use-live-document";
import type { DocumentDetail, SimilarityStatus } from "@/lib/document-types";
import { getDocumentDetail, getDocumentText, getSimilarityStatus } from "@/lib/documents";
import { NotFoundError } from "@/lib/errors";
import { formatBytes } from "@/lib/format";
import { pageUser } from "@/lib/page-user";
import { formatTypeName } from "@/lib/parsing/formats";
import { isActive } from "@/lib/pipeline/statuses";
import { stageLabel } from "@/lib/pipeline/table";
import { answersQuote, listQuestions } from "@/lib/questions";
import { collapseRuns } from "@/lib/run-history";
import { passageFor, type PassageHighlight } from "@/lib/search";
import { scoreLabel } from "@/lib/similarity/reasons";

export const dynamic = "force-dynamic";

interface DocumentPageProps {
  params: Promise<{ id: string }>;
  /**
   * `q`: the search that opened the page, whose best passage the text opens at, highlighted;
   * `passage`: `<start>-<end>` in characters, the passage an answer cites, opened and highlighted.
   */
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** The document, or the 404 page; read once per request for both the metadata and the page. */
const loadDocument = cache(async (id: string): Promise<DocumentDetail> => {
  try {
    return await getDocumentDetail((await pageUser()).id, id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
});

function DateFact({ iso }: { iso: string | null }) {
  if (!iso) return <>—</>;
  return <LocalTime iso={iso} />;
}

function liveState(document: DocumentDetail): LiveDocumentState {
  const { id, title, filename, mimeType, size, status, stage, progress, error, retryable, summary, summaryDraft, createdAt } = document;
  return { id, title, filename, mimeType, size, status, stage, progress, error, retryable, summary, summaryDraft, createdAt };
}

/** Which kind of summary is shown: sentences of the document (the local provider), or a model's writing, by the model's name. */
function provenance({ provider, summaryModel }: DocumentDetail): string | null {
  if (!provider) return null;
  if (provider === "local") return "Picked from the document's own sentences";
  return `Written by the language model ${summaryModel ?? provider}`;
}

export async function generateMetadata({ params }: DocumentPageProps): Promise<Metadata> {
  const document = await loadDocument((await params).id);
  return { title: `${document.title} · Docsum` };
}

/** The passage `<start>-<end>` of a citation's link, or null. */
function citedPassage(value: string | string[] | undefined): PassageHighlight | null {
  const match = typeof value === "string" ? /^(\d{1,9})-(\d{1,9})$/.exec(value) : null;
  if (!match || Number(match[2]) <= Number(match[1])) return null;
  return { start: Number(match[1]), end: Number(match[2]), marks: [] };
}

export default async function DocumentPage({ params, searchParams }: DocumentPageProps) {
  const document = await loadDocument((await params).id);
  const { q, passage } = await searchParams;
  const highlight = citedPassage(passage) ?? (typeof q === "string" ? await passageFor((await pageUser()).id, document.id, q) : null);
  // Only the length: the text itself loads when the person opens it.
  const { total: textLength } = await getDocumentText((await pageUser()).id, document.id, 0, 0);
  const similarity = document.status === "done" ? await getSimilarityStatus((await pageUser()).id) : null;
  return (
    <article className="document">
      <p className="back-link">
        <Link href="/">← All documents</Link>
      </p>
      <DocumentTitle id={document.id} title={document.title} />
      <Thumbnail id={document.id} mimeType={document.mimeType} status={document.status} stage={document.stage} size="large" />

      <dl className="facts">
        <dt>File</dt>
        <dd>
          {document.filename} (<a href={`/api/documents/${document.id}/file`}>download</a>)
        </dd>
        <dt>Type</dt>
        <dd>{formatTypeName(document.mimeType)}</dd>
        <dt>Size</dt>
        <dd>{formatBytes(document.size)}</dd>
        <dt>Pages</dt>
        <dd>{document.pages ?? "—"}</dd>
        <dt>Uploaded</dt>
        <dd>
          <DateFact iso={document.createdAt} />
        </dd>
        <dt>Finished</dt>
        <dd>
          <DateFact iso={document.finishedAt} />
        </dd>
      </dl>

      <LiveDocument document={liveState(document)} provenance={provenance(document)} />

      {textLength > 0 && document.outline.length > 0 ? <DocumentOutline outline={document.outline} /> : null}
      {/* A run under way keeps the last results on show until it replaces them; a cancelled one leaves them. */}
      {document.status === "done" || document.similar.length > 0 ? <Similar document={document} similarity={similarity} /> : null}
      {textLength > 0 ? (
        <Questions
          heading="Ask about this document"
          documentIds={[document.id]}
          initial={await listQuestions((await pageUser()).id, { documentId: document.id, limit: 5 })}
          extracts={answersQuote()}
        />
      ) : null}
      {/* Shown once the text has been read, whatever happened after; keyed so a new reading starts closed. */}
      {textLength > 0 ? <DocumentText key={textLength} id={document.id} total={textLength} highlight={highlight} /> : null}
      {document.runs.length > 0 ? <History document={document} /> : null}
    </article>
  );
}

/** While the library's statistics are counted or the library re-embedded, its lists may still change: say how far it is. */
function Reindexing({ similarity }: { similarity: SimilarityStatus | null }) {
  if (!similarity?.refreshing) return null;
  const progress = similarity.statistics?.reembedding;
  return (
    <p className="muted" data-testid="reindexing">
      Your library is being re-indexed for better similar documents
      {progress && progress.total > 0 && !progress.finished ? ` (${Math.min(progress.done, progress.total)} of ${progress.total} documents)` : ""}; this list
      may still change.
    </p>
  );
}

function Similar({ document, similarity }: { document: DocumentDetail; similarity: SimilarityStatus | null }) {
  const duplicates = document.similar.filter((similar) => similar.nearDuplicate);
  return (
    <section aria-labelledby="similar-title" className="similar">
      <h2 id="similar-title">Similar documents</h2>
      {isActive(document.status) ? (
        <p className="summary-note" data-testid="similar-updating">
          Being updated: this list is replaced once the document has been processed again.
        </p>
      ) : null}
      <Reindexing similarity={similarity} />
      {duplicates.length > 0 ? (
        <p className="duplicate-note" data-testid="duplicate-note">
          Possible duplicate of{" "}
          {duplicates.map((similar, index) => (
            <span key={similar.id}>
              {index > 0 ? ", " : null}
              <Link href={`/documents/${similar.id}`}>{similar.title}</Link>
            </span>
          ))}
        </p>
      ) : null}
      {document.similar.length > 0 ? (
        <ul className="similar-list">
          {document.similar.map((similar) => (
            <li key={similar.id} data-testid="similar-item">
              <div>
                <Link href={`/documents/${similar.id}`}>{similar.title}</Link>
                {similar.nearDuplicate ? <span className="badge">possible duplicate</span> : null}
                {similar.terms.length > 0 ? (
                  <p className="similar-terms" data-testid="similar-terms">
                    Both about {similar.terms.join(", ")}
                  </p>
                ) : null}
              </div>
              <span className="score" title={`similarity ${similar.score.toFixed(2)}`} data-score={similar.score}>
                {scoreLabel(similar.score)}
              </span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted" data-testid="no-similar">No similar documents yet.</p>
      )}
    </section>
  );
}

const OUTCOME_LABELS: Record<string, string> = {
  done: "Done",
  retry: "Failed, retried",
  failed: "Failed",
  cancelled: "Cancelled",
  discarded: "Dropped (document changed)",
};

function History({ document }: { document: DocumentDetail }) {
  return (
    <section aria-labelledby="history-title" className="history stack-table">
      <h2 id="history-title">Processing history</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">Stage</th>
            <th scope="col">Attempt</th>
            <th scope="col">Started</th>
            <th scope="col">Took</th>
            <th scope="col">Outcome</th>
          </tr>
        </thead>
        <tbody>
          {collapseRuns(document.runs).map(({ run, count }) => (
            <tr key={`${run.stage}-${run.startedAt}`} data-testid="history-row">
              <td data-label="Stage">{stageLabel(run.stage)}</td>
              <td data-label="Attempt">{count > 1 ? `${run.attempt} (${count} identical failures)` : run.attempt}</td>
              <td data-label="Started">
                <DateFact iso={run.startedAt} />
              </td>
              <td data-label="Took">{run.durationMs === null ? "—" : `${(run.durationMs / 1000).toFixed(2)} s`}</td>
              <td data-label="Outcome">
                {run.outcome ? (OUTCOME_LABELS[run.outcome] ?? run.outcome) : "Running"}
                {run.note ? ` (${run.note})` : ""}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
