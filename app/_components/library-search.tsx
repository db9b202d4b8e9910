"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useEffect, useEffectEvent, useId, useRef, useState } from "react";
import { STATUS_LABELS } from "@/lib/pipeline/statuses";
import type { SearchAnswer } from "@/lib/search/search";
import { ErrorAlert } from "./error-alert";
import { markedParts, resultHref } from "./highlight";
import { requestJson } from "./json-fetch";

/** Typing pauses this long before the search runs. */
const DEBOUNCE_MS = 250;
/** Results shown at most. */
const LIMIT = 20;

export interface LibrarySearchProps {
  /** The URL's `q`, and the server's answer for it (so `/?q=...` shows its results at once). */
  initialQuery: string;
  initialAnswer: SearchAnswer | null;
}

/** The page's URL with `q` set (or removed), keeping its sort and filters. */
function hrefWith(query: string): string {
  const params = new URLSearchParams(window.location.search);
  if (query) params.set("q", query);
  else params.delete("q");
  const search = params.toString();
  return search ? `/?${search}` : "/";
}

/**
 * The library's search box: searches as one types (debounced), keeps the query in the URL (Enter
 * adds a history entry, so the back button returns to the search before), and lists the results
 * with their passages' matched words marked.
 */
export function LibrarySearch({ initialQuery, initialAnswer }: LibrarySearchProps) {
  const urlQuery = useSearchParams().get("q") ?? "";
  const [text, setText] = useState(initialQuery);
  const [shown, setShown] = useState<{ query: string; answer: SearchAnswer } | null>(initialAnswer ? { query: initialQuery, answer: initialAnswer } : null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const latest = useRef(0);
  // The query last searched (or being searched): the URL catching up with it is no news.
  const requested = useRef(initialQuery.trim());
  const inputId = useId();

  async function search(query: string) {
    const trimmed = query.trim();
    requested.current = trimmed;
    const ticket = ++latest.current;
    if (!trimmed) {
      setShown(null);
      setError(null);
      return;
    }
    setLoading(true);
    try {
      const answer = await requestJson<SearchAnswer>(`/api/search?${new URLSearchParams({ q: trimmed, limit: String(LIMIT) })}`);
      if (ticket !== latest.current) return;
      setShown({ query: trimmed, answer });
      setError(null);
    } catch (failure) {
      if (ticket === latest.current) setError((failure as Error).message);
    } finally {
      if (ticket === latest.current) setLoading(false);
    }
  }

  // Typing: search after a pause, and keep the URL in step without a history entry per letter.
  const typed = useEffectEvent((query: string) => {
    if (query.trim() === urlQuery.trim()) return;
    window.history.replaceState(null, "", hrefWith(query.trim()));
    void search(query);
  });
  useEffect(() => {
    const timer = setTimeout(() => typed(text), DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  // The URL changed from outside (back, forward, a link): show its search.
  const followUrl = useEffectEvent((query: string) => {
    if (query.trim() === requested.current) return;
    setText(query);
    void search(query);
  });
  useEffect(() => followUrl(urlQuery), [urlQuery]);

  return (
    <section aria-label="Search your documents" className="library-search">
      <form
        role="search"
        className="search-form"
        onSubmit={(event) => {
          event.preventDefault();
          const query = text.trim();
          if (query !== urlQuery.trim()) window.history.pushState(null, "", hrefWith(query));
          void search(query);
        }}
      >
        <label htmlFor={inputId} className="search-label">
          Search your documents
        </label>
        <input
          id={inputId}
          type="search"
          name="q"
          value={text}
          maxLength={500}
          placeholder="Words, a “quoted phrase”, -exclude, this OR that"
          autoComplete="off"
          onChange={(event) => setText(event.currentTarget.value)}
        />
      </form>
      {loading ? <p className="muted search-status">Searching…</p> : null}
      <ErrorAlert message={error} />
      {shown ? <SearchResults query={shown.query} answer={shown.answer} /> : null}
    </section>
  );
}

function SearchResults({ query, answer }: { query: string; answer: SearchAnswer }) {
  if (answer.results.length === 0) {
    return (
      <p className="empty-note" data-testid="search-empty">
        Nothing in your documents matches “{query}”. Try removing a word or two, or using more common words.
      </p>
    );
  }
  return (
    <>
      <p className="muted search-status" data-testid="search-total">
        {answer.total === 1 ? "1 document found" : `${answer.total} documents found`}
        {answer.total > answer.results.length ? `, the best ${answer.results.length} shown` : ""}
      </p>
      <ol className="search-results">
        {answer.results.map((result) => (
          <li key={result.id} className="search-result" data-testid="search-result" data-id={result.id}>
            <div className="search-result-head">
              <Link href={resultHref(result.id, query)} className="search-result-title">
                {result.title}
              </Link>
              <span className={`status status-${result.status}`}>{STATUS_LABELS[result.status]}</span>
            </div>
            <p className="search-snippet" data-testid="search-snippet">
              {markedParts(result.snippet, result.matches).map((part, i) => (part.marked ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
            </p>
            <span className="score-bar" title={`score ${result.score.toFixed(2)}`} data-score={result.score}>
              <span style={{ width: `${Math.round(Math.max(0, Math.min(1, result.score)) * 100)}%` }} />
            </span>
          </li>
        ))}
      </ol>
    </>
  );
}
