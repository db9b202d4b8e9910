"use client";

import { useState } from "react";
import { ErrorAlert } from "./error-alert";
import { requestJson } from "./json-fetch";

/** Characters read per request: the first slice on opening, then one more per "Show more". */
const SLICE_LENGTH = 20_000;

const COUNT_FORMAT = new Intl.NumberFormat("en-GB");

/** GET /api/documents/:id/text, counted in characters (code points). */
interface TextSlice {
  text: string;
  offset: number;
  total: number;
}

export interface DocumentTextProps {
  id: string;
  /** The text's length in characters. */
  total: number;
}

/** A document's extracted text, folded away until opened, then read a slice at a time. */
export function DocumentText({ id, total: initialTotal }: DocumentTextProps) {
  const [text, setText] = useState<string | null>(null);
  // Where the next slice starts, in characters; a JS string counts UTF-16 units instead.
  const [offset, setOffset] = useState(0);
  const [total, setTotal] = useState(initialTotal);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function readMore() {
    setLoading(true);
    setError(null);
    try {
      const slice = await requestJson<TextSlice>(`/api/documents/${id}/text?offset=${offset}&length=${SLICE_LENGTH}`);
      const read = Array.from(slice.text).length;
      setText((shown) => (shown ?? "") + slice.text);
      setOffset(offset + read);
      // An empty slice before the end means the text changed since the page was read: stop here.
      setTotal(read === 0 ? offset : slice.total);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setLoading(false);
    }
  }

  return (
    <details
      className="document-text-section"
      onToggle={(event) => {
        if (event.currentTarget.open && text === null && !loading) void readMore();
      }}
    >
      <summary>
        Extracted text <span className="muted">({COUNT_FORMAT.format(total)} characters)</span>
      </summary>
      {text !== null ? (
        <pre className="document-text" data-testid="document-text" tabIndex={0}>
          {text}
        </pre>
      ) : null}
      {loading ? <p className="muted">Loading…</p> : null}
      {text !== null && offset < total && !loading ? (
        <div className="document-text-more">
          <p className="muted">{`Showing ${COUNT_FORMAT.format(offset)} of ${COUNT_FORMAT.format(total)} characters.`}</p>
          <button type="button" className="button button-secondary" onClick={() => void readMore()}>
            Show more
          </button>
        </div>
      ) : null}
      <ErrorAlert message={error} />
    </details>
  );
}
