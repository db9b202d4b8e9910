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

const SENTENCES = new Intl.Segmenter("en", { granularity: "sentence" });

/** The question's words worth looking for (three letters or more), in lower case. */
function wordsOf(question: string): string[] {
  return [...new Set(question.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]{2,}/gu) ?? [])];
}

/**
 * A passage's quote for a citation: the sentence that holds most of the question's words, with
 * the sentences around it while they fit in `length` characters; an ellipsis marks text left out.
 */
export function excerptOf(text: string, question: string, length = EXCERPT_LENGTH): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= length) return flat;
  const sentences = [...SENTENCES.segment(flat)].map((part) => part.segment);
  const words = wordsOf(question);
  const scores = sentences.map((sentence) => {
    const lower = sentence.toLowerCase();
    return words.filter((word) => lower.includes(word)).length;
  });
  let best = scores.indexOf(Math.max(...scores));
  if (scores[best] === 0) best = 0;
  let [from, to] = [best, best + 1];
  const size = () => sentences.slice(from, to).join("").length;
  for (;;) {
    if (to < sentences.length && size() + sentences[to].length <= length) to += 1;
    else if (from > 0 && size() + sentences[from - 1].length <= length) from -= 1;
    else break;
  }
  let quote = sentences.slice(from, to).join("").trim();
  let cutShort = to < sentences.length;
  if (quote.length > length) {
    // One sentence longer than a quote: its beginning, cut at a word.
    const cut = quote.slice(0, length);
    const space = cut.lastIndexOf(" ");
    quote = (space > length / 2 ? cut.slice(0, space) : cut).trimEnd();
    cutShort = true;
  }
  return `${from > 0 ? "…" : ""}${quote}${cutShort ? "…" : ""}`;
}

function citationOf(source: Source, question: string): QuestionCitation {
  return { documentId: source.documentId, title: source.title, excerpt: excerptOf(source.text, question), start: source.start, end: source.end };
}

/** Finds the sources and writes the answer of a question the job has started; a failure throws for the job to judge. */
export async function writeAnswer(question: Question, signal: AbortSignal): Promise<void> {
  const provider = aiProvider();
  const by = { provider: provider.name, model: provider.answerModel, extract: provider.answersQuote };
  const sources = await retrieveSources(question.ownerId, question.text, question.documentIds.length > 0 ? question.documentIds : null);
  signal.throwIfAborted();
  const citations = sources.map((source) => citationOf(source, question.text));
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
      sources.map(({ title, text }, i) => ({ title, text, quote: citations[i].excerpt })),
      { signal, onDraft: (text) => draft.update(text), onRetry: () => draft.restart() },
    );
    await draft.close();
    await finishAnswer(question, answer, citations, by);
  } catch (error) {
    await draft.close();
    throw error;
  }
}
