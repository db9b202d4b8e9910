"use client";

import { useEffect, useEffectEvent, useState, type FormEvent } from "react";
import type { QuestionAnswerEvent } from "@/lib/events";
import { citationHref, isAnswering, MAX_QUESTION_LENGTH, type QuestionCitation, type QuestionPage, type QuestionView } from "@/lib/questions/types";
import { ErrorAlert } from "./error-alert";
import { requestJson } from "./json-fetch";
import { getSocket } from "./socket";

export interface QuestionsProps {
  /** The heading: "Ask about this document", "Ask your library". */
  heading: string;
  /** The documents questions asked here are about; none: the whole library. */
  documentIds?: string[];
  /** Earlier questions, newest first, and the cursor of the ones before them. */
  initial: QuestionPage;
  /** Where all the questions are listed, when this shows only the latest. */
  allHref?: string;
  /** Whether answers are quoted passages (no model is configured). */
  extracts: boolean;
}

const STATUS_LABELS: Record<QuestionView["status"], string> = {
  queued: "Waiting for its turn…",
  answering: "Writing the answer…",
  done: "Answered",
  failed: "Failed",
  cancelled: "Stopped",
};

/** A question's view with an answer event applied (the event carries the whole text so far). */
function applyEvent(question: QuestionView, event: QuestionAnswerEvent): QuestionView {
  return {
    ...question,
    status: event.status,
    answer: event.text,
    citations: event.citations.length > 0 || event.retrying || event.done ? event.citations : question.citations,
    error: event.error ?? (event.status === "failed" ? question.error : null),
  };
}

/**
 * Asking documents: a question box, then the questions asked here, newest first, each answer
 * streaming in as it is written with its numbered citations, which open the passage they quote.
 */
export function Questions({ heading, documentIds = [], initial, allHref, extracts }: QuestionsProps) {
  const [questions, setQuestions] = useState<QuestionView[]>(initial.questions);
  const [cursor, setCursor] = useState<string | null>(initial.nextCursor);
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const onAnswer = useEffectEvent((event: QuestionAnswerEvent) => {
    setQuestions((list) => list.map((question) => (question.id === event.id ? applyEvent(question, event) : question)));
    // The stored question says what the event does not (the model, when it finished).
    if (event.done) void refresh(event.id);
  });
  // After a reconnect, events may have been missed: read the questions still being answered again.
  const onReconnect = useEffectEvent(() => {
    for (const question of questions) if (isAnswering(question.status)) void refresh(question.id);
  });
  useEffect(() => {
    const socket = getSocket();
    const answer = (event: QuestionAnswerEvent) => onAnswer(event);
    const reconnect = () => onReconnect();
    socket.on("question:answer", answer);
    socket.on("connect", reconnect);
    socket.on("events:missed", reconnect);
    return () => {
      socket.off("question:answer", answer);
      socket.off("connect", reconnect);
      socket.off("events:missed", reconnect);
    };
  }, []);

  async function refresh(id: string) {
    try {
      const fresh = await requestJson<QuestionView>(`/api/questions/${id}`);
      setQuestions((list) => list.map((question) => (question.id === id ? fresh : question)));
    } catch {
      // The question went meanwhile (deleted in another tab): the next reload says so.
    }
  }

  async function ask(question: string, about: string[]): Promise<boolean> {
    setError(null);
    try {
      const { id } = await requestJson<{ id: string }>("/api/questions", { method: "POST", json: { question, documentIds: about }, fallback: "The question could not be sent. Try again." });
      const placeholder: QuestionView = {
        id,
        question,
        documentIds: about,
        status: "queued",
        answer: "",
        citations: [],
        error: null,
        createdAt: new Date().toISOString(),
        finishedAt: null,
        extract: extracts,
        model: null,
      };
      setQuestions((list) => [placeholder, ...list.filter((item) => item.id !== id)]);
      // An answer quicker than this page's bookkeeping is read back.
      void refresh(id);
      return true;
    } catch (failure) {
      setError((failure as Error).message);
      return false;
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const question = text.trim();
    if (!question || busy) return;
    setBusy(true);
    if (await ask(question, documentIds)) setText("");
    setBusy(false);
  }

  async function cancel(id: string) {
    try {
      const stopped = await requestJson<QuestionView>(`/api/questions/${id}/cancel`, { method: "POST" });
      setQuestions((list) => list.map((question) => (question.id === id ? stopped : question)));
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  async function forget(id: string) {
    try {
      await requestJson(`/api/questions/${id}`, { method: "DELETE" });
      setQuestions((list) => list.filter((question) => question.id !== id));
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  async function earlier() {
    if (!cursor) return;
    const params = new URLSearchParams({ cursor });
    if (documentIds.length === 1) params.set("documentId", documentIds[0]);
    try {
      const page = await requestJson<QuestionPage>(`/api/questions?${params}`);
      setQuestions((list) => [...list, ...page.questions.filter((question) => !list.some((item) => item.id === question.id))]);
      setCursor(page.nextCursor);
    } catch (failure) {
      setError((failure as Error).message);
    }
  }

  const titleId = `questions-title-${documentIds[0] ?? "library"}`;
  return (
    <section aria-labelledby={titleId} className="questions" data-testid="questions">
      <h2 id={titleId}>{heading}</h2>
      <form className="ask-form" onSubmit={(event) => void submit(event)}>
        <label htmlFor={`${titleId}-input`} className="visually-hidden">
          Your question
        </label>
        <textarea
          id={`${titleId}-input`}
          name="question"
          rows={2}
          maxLength={MAX_QUESTION_LENGTH}
          placeholder={documentIds.length === 1 ? "What would you like to know about this document?" : "What would you like to know from your documents?"}
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === "Enter" && !event.shiftKey) {
              event.preventDefault();
              event.currentTarget.form?.requestSubmit();
            }
          }}
        />
        <button type="submit" className="button" disabled={busy || text.trim() === ""}>
          Ask
        </button>
      </form>
      {extracts ? (
        <p className="muted ask-note">No language model is set up, so answers are the most relevant passages of your documents, quoted.</p>
      ) : null}
      <ErrorAlert message={error} />
      {questions.length > 0 ? (
        <ol className="question-list" aria-label="Questions asked">
          {questions.map((question) => (
            <QuestionItem
              key={question.id}
              question={question}
              onCancel={() => void cancel(question.id)}
              onAskAgain={() => void ask(question.question, question.documentIds)}
              onForget={() => void forget(question.id)}
            />
          ))}
        </ol>
      ) : null}
      {cursor ? (
        allHref ? (
          <p>
            <a href={allHref}>All questions</a>
          </p>
        ) : (
          <button type="button" className="button button-secondary" onClick={() => void earlier()}>
            Earlier questions
          </button>
        )
      ) : null}
    </section>
  );
}

interface QuestionItemProps {
  question: QuestionView;
  onCancel(): void;
  onAskAgain(): void;
  onForget(): void;
}

function QuestionItem({ question, onCancel, onAskAgain, onForget }: QuestionItemProps) {
  const answering = isAnswering(question.status);
  return (
    <li className="question" data-testid="question" data-status={question.status} aria-busy={answering}>
      <p className="question-text">{question.question}</p>
      <p className={`question-status question-status-${question.status}`} data-testid="question-status">
        {STATUS_LABELS[question.status]}
        {question.status === "done" ? (question.extract ? " · quoted from your documents, not written by a model" : question.model ? ` · written by ${question.model}` : "") : ""}
      </p>
      {question.status === "failed" && question.error ? (
        <p className="question-error" role="alert">
          {question.error}
        </p>
      ) : null}
      {question.answer ? (
        <div className="answer" data-testid="answer" aria-live={answering ? "polite" : undefined}>
          <AnswerText text={question.answer} citations={question.citations} />
        </div>
      ) : null}
      {question.citations.length > 0 ? (
        <ol className="citations" aria-label="Sources" data-testid="citations">
          {question.citations.map((citation, index) => (
            <li key={`${citation.documentId}-${citation.start}`} id={`${question.id}-source-${index + 1}`}>
              <a href={citationHref(citation)} data-testid="citation-link">
                {citation.title}
              </a>
              <blockquote className="citation-excerpt">{citation.excerpt}</blockquote>
            </li>
          ))}
        </ol>
      ) : null}
      <div className="question-actions">
        {answering ? (
          <button type="button" className="button button-secondary" onClick={onCancel}>
            Stop answering
          </button>
        ) : null}
        {question.status === "failed" || question.status === "cancelled" ? (
          <button type="button" className="button button-secondary" onClick={onAskAgain}>
            Ask again
          </button>
        ) : null}
        {!answering ? (
          <button type="button" className="link-button" onClick={onForget} aria-label={`Forget the question “${question.question.slice(0, 60)}”`}>
            Forget
          </button>
        ) : null}
      </div>
    </li>
  );
}

/** An answer's paragraphs, each [n] a link to the passage it cites. */
function AnswerText({ text, citations }: { text: string; citations: QuestionCitation[] }) {
  return (
    <>
      {text
        .split(/\n\s*\n/)
        .filter((paragraph) => paragraph.trim() !== "")
        .map((paragraph, index) => (
          <p key={index}>
            {paragraph.split(/(\[\d+\])/).map((part, i) => {
              const number = /^\[(\d+)\]$/.exec(part)?.[1];
              const citation = number ? citations[Number(number) - 1] : undefined;
              if (!citation) return <span key={i}>{part}</span>;
              return (
                <a key={i} href={citationHref(citation)} className="citation" title={`${citation.title}: ${citation.excerpt}`} data-testid="citation">
                  [{number}]
                </a>
              );
            })}
          </p>
        ))}
    </>
  );
}
