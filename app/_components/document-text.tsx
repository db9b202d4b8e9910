"use client";

import { useEffect, useEffectEvent, useRef, useState } from "react";
import { ErrorAlert } from "./error-alert";
import { markedParts, utf16Ranges } from "./highlight";
import { requestJson } from "./json-fetch";
import { offsetOfFragment } from "./text-fragment";

/** Characters read per request: the first slice on opening, then one more per "Show more". */
const SLICE_LENGTH = 20_000;

const COUNT_FORMAT = new Intl.NumberFormat("en-GB");

/** GET /api/documents/:id/text, counted in characters (code points). */
interface TextSlice {
  text: string;
  offset: number;
  total: number;
}

/** A search's passage to open the text at and highlight, with its matched words, in characters of the text. */
export interface TextHighlight {
  start: number;
  end: number;
  marks: [number, number][];
}

export interface DocumentTextProps {
  id: string;
  /** The text's length in characters. */
  total: number;
  /** The passage a search result opened the page at. */
  highlight?: TextHighlight | null;
}

/** Characters shown before a search's passage, so it is read in its context. */
const CONTEXT_BEFORE = 400;

/**
 * A document's extracted text, folded away until opened, then read a slice at a time. A link to
 * `#text-<offset>` (the outline's headings) opens it there.
 */
export function DocumentText({ id, total: initialTotal, highlight = null }: DocumentTextProps) {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState<string | null>(null);
  // Where the text shown starts and where the next slice starts, in characters; a JS string counts UTF-16 units instead.
  const [start, setStart] = useState(0);
  const [offset, setOffset] = useState(0);
  const [total, setTotal] = useState(initialTotal);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const section = useRef<HTMLDetailsElement>(null);
  const passage = useRef<HTMLElement>(null);
  const busy = useRef(false);

  /** Reads a slice from `from`: after the text shown (`more`), or instead of it. */
  async function read(from: number, more: boolean): Promise<boolean> {
    if (busy.current) return false;
    busy.current = true;
    setLoading(true);
    setError(null);
    try {
      const slice = await requestJson<TextSlice>(`/api/documents/${id}/text?offset=${from}&length=${SLICE_LENGTH}`);
      const count = Array.from(slice.text).length;
      setText((shown) => (more ? (shown ?? "") : "") + slice.text);
      if (!more) setStart(from);
      setOffset(from + count);
      // An empty slice before the end means the text changed since the page was read: stop here.
      setTotal(count === 0 ? from : slice.total);
      return true;
    } catch (failure) {
      setError((failure as Error).message);
      return false;
    } finally {
      busy.current = false;
      setLoading(false);
    }
  }

  // Open at the offset the address asks for (or at a search's passage), now and whenever a heading's link changes it.
  const followFragment = useEffectEvent(async () => {
    const fragment = offsetOfFragment(window.location.hash);
    if (fragment === null && highlight) {
      setOpen(true);
      if (await read(Math.max(0, highlight.start - CONTEXT_BEFORE), false)) setScrollToPassage(true);
      return;
    }
    const from = fragment;
    if (from === null) return;
    setOpen(true);
    if (await read(Math.min(from, total), false)) section.current?.scrollIntoView({ block: "start" });
  });
  useEffect(() => {
    void followFragment();
    const onHashChange = () => void followFragment();
    window.addEventListener("hashchange", onHashChange);
    return () => window.removeEventListener("hashchange", onHashChange);
  }, []);

  const [scrollToPassage, setScrollToPassage] = useState(false);
  useEffect(() => {
    if (!scrollToPassage || !passage.current) return;
    passage.current.scrollIntoView({ block: "center" });
    setScrollToPassage(false);
  }, [scrollToPassage, text]);

  const end = offset;
  return (
    <details
      ref={section}
      id="document-text"
      className="document-text-section"
      open={open}
      onToggle={(event) => {
        const opened = event.currentTarget.open;
        setOpen(opened);
        if (opened && text === null) void read(0, false);
      }}
    >
      <summary>
        Extracted text <span className="muted">({COUNT_FORMAT.format(total)} characters)</span>
      </summary>
      {text !== null ? (
        <pre className="document-text" data-testid="document-text" data-start={start} tabIndex={0}>
          {highlight ? <HighlightedText text={text} start={start} highlight={highlight} passageRef={passage} /> : text}
        </pre>
      ) : null}
      {loading ? <p className="muted">Loading…</p> : null}
      {text !== null && !loading && (start > 0 || end < total) ? (
        <div className="document-text-more">
          <p className="muted">
            {start > 0
              ? `Showing characters ${COUNT_FORMAT.format(start + 1)} to ${COUNT_FORMAT.format(end)} of ${COUNT_FORMAT.format(total)}.`
              : `Showing ${COUNT_FORMAT.format(end)} of ${COUNT_FORMAT.format(total)} characters.`}
          </p>
          {end < total ? (
            <button type="button" className="button button-secondary" onClick={() => void read(offset, true)}>
              Show more
            </button>
          ) : null}
          {start > 0 ? (
            <button type="button" className="button button-secondary" onClick={() => void read(0, false)}>
              Show from the start
            </button>
          ) : null}
        </div>
      ) : null}
      <ErrorAlert message={error} />
    </details>
  );
}

/** The text shown, with the search's passage and its matched words marked where they fall in it. */
function HighlightedText({ text, start, highlight, passageRef }: { text: string; start: number; highlight: TextHighlight; passageRef: React.RefObject<HTMLElement | null> }) {
  const [passage] = utf16Ranges(text, start, [[highlight.start, highlight.end]]);
  if (!passage) return <>{text}</>;
  const words = utf16Ranges(text, start, highlight.marks).map(([s, e]): [number, number] => [s - passage[0], e - passage[0]]);
  const inner = text.slice(passage[0], passage[1]);
  return (
    <>
      {text.slice(0, passage[0])}
      <mark className="search-passage" data-testid="search-passage" ref={passageRef}>
        {markedParts(inner, words).map((part, i) => (part.marked ? <mark key={i} className="search-word">{part.text}</mark> : <span key={i}>{part.text}</span>))}
      </mark>
      {text.slice(passage[1])}
    </>
  );
}
