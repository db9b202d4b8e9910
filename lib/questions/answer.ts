/**
 * Writing one question's answer, as the question job runs it: the sources found through the
 * search index (./retrieve), the provider's answer streamed as it is written (batched
 * `question:answer` events, and the text so far stored for a reload), and the answer stored.
 */
import { aiProvider } from "@/lib/ai";
import { DraftPublisher } from "@/lib/ai/draft-publisher";
import type { Question } from "@/lib/generated/prisma/client";
import { emitAnswer } from "@/lib/socket-emitter";
import { finishAnswer, storeAnswerSoFar, storeCitations } from "./questions";
import { retrieveSources, type Source } from "./retrieve";
import type { QuestionCitation } from "./types";

/** Characters of a passage a citation quotes. */
const EXCERPT_LENGTH = 300;

/** What the answer says when none of the question's documents is left. */
export const NO_DOCUMENTS_LEFT = "None of the documents this question was about is in your library any more.";
/** What the answer says when no passage of the library has anything to do with the question. */
export const NOTHING_FOUND = "Nothing in your library matches this question.";

/** A passage's quote for a citation: its beginning, cut at a word, with an ellipsis where it goes on. */
export function excerptOf(text: string, length = EXCERPT_LENGTH): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= length) return flat;
  const cut = flat.slice(0, length);
  const space = cut.lastIndexOf(" ");
  return `${(space > length / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

function citationOf(source: Source): QuestionCitation {
  return { documentId: source.documentId, title: source.title, excerpt: excerptOf(source.text), start: source.start, end: source.end };
}

/** Finds the sources and writes the answer of a question the job has started; a failure throws for the job to judge. */
export async function writeAnswer(question: Question, signal: AbortSignal): Promise<void> {
  const provider = aiProvider();
  const by = { provider: provider.name, model: provider.answerModel, extract: provider.answersQuote };
  const sources = await retrieveSources(question.ownerId, question.text, question.documentIds.length > 0 ? question.documentIds : null);
  signal.throwIfAborted();
  const citations = sources.map(citationOf);
  if (sources.length === 0) {
    await finishAnswer(question, question.documentIds.length > 0 ? NO_DOCUMENTS_LEFT : NOTHING_FOUND, [], by);
    return;
  }
  await storeCitations(question.id, citations);
  let first = true;
  const draft = new DraftPublisher({
    send: (sent) => emitAnswer(question.ownerId, { id: question.id, text: sent.text, done: false, status: "answering", citations, ...(sent.retrying ? { retrying: true } : {}) }),
    store: async (sent) => {
      await storeAnswerSoFar(question.id, sent.text, first && sent.text !== "");
      if (sent.text !== "") first = false;
    },
    clear: async () => {},
  });
  try {
    const answer = await provider.answer(
      question.text,
      sources.map(({ title, text }) => ({ title, text })),
      { signal, onDraft: (text) => draft.update(text), onRetry: () => draft.restart() },
    );
    await draft.close();
    await finishAnswer(question, answer, citations, by);
  } catch (error) {
    await draft.close();
    throw error;
  }
}
