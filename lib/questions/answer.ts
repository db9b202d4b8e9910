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
/** Words of a question that say nothing about what is asked. */
const FUNCTION_WORDS = new Set(["the", "and", "for", "with", "what", "which", "who", "whom", "how", "why", "when", "where", "does", "did", "are", "was", "were", "that", "this", "these", "those", "from", "into", "about", "can", "could", "should", "would", "you", "your", "there", "their", "has", "have", "had"]);
/** Letters of a word compared, so "normalizes" finds "normalizer" and "files" "file". */
const STEM_LENGTH = 5;
/** Characters a quote starts before the first word it is chosen for. */
const LEAD_IN = 60;

/** The question's words worth looking for, cut to their first letters, in lower case. */
function stemsOf(question: string): string[] {
  const words = question.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]{2,}/gu) ?? [];
  return [...new Set(words.filter((word) => !FUNCTION_WORDS.has(word)).map((word) => word.slice(0, STEM_LENGTH)))];
}

/** How many of the stems a stretch of text holds. */
function coverage(stretch: string, stems: string[]): number {
  const lower = stretch.toLowerCase();
  return stems.filter((stem) => lower.includes(stem)).length;
}

/** Up to `length` characters of `text` from `start`, cut at a word; and whether text was left after it. */
function cutAt(text: string, start: number, length: number): { quote: string; more: boolean } {
  if (text.length - start <= length) return { quote: text.slice(start).trim(), more: false };
  const cut = text.slice(start, start + length);
  const space = cut.lastIndexOf(" ");
  return { quote: (space > length / 2 ? cut.slice(0, space) : cut).trim(), more: true };
}

/**
 * A passage's quote for a citation: the sentence that holds most of the question's words, with
 * the sentences around it while they fit in `length` characters (in a sentence longer than that,
 * the stretch of it that holds most of them); an ellipsis marks text left out.
 */
export function excerptOf(text: string, question: string, length = EXCERPT_LENGTH): string {
  const flat = text.replace(/\s+/g, " ").trim();
  if (flat.length <= length) return flat;
  const sentences = [...SENTENCES.segment(flat)].map((part) => part.segment);
  const stems = stemsOf(question);
  const scores = sentences.map((sentence) => coverage(sentence, stems));
  const best = Math.max(0, scores.indexOf(Math.max(...scores)));
  let [from, to] = [best, best + 1];
  const size = () => sentences.slice(from, to).join("").length;
  for (;;) {
    if (to < sentences.length && size() + sentences[to].length <= length) to += 1;
    else if (from > 0 && size() + sentences[from - 1].length <= length) from -= 1;
    else break;
  }
  const joined = sentences.slice(from, to).join("").trim();
  if (joined.length <= length) return `${from > 0 ? "…" : ""}${joined}${to < sentences.length ? "…" : ""}`;
  // One sentence longer than a quote: the stretch of it that holds most of the words, starting a little before them.
  let start = 0;
  let most = -1;
  const lower = joined.toLowerCase();
  for (const stem of stems) {
    for (let at = lower.indexOf(stem); at !== -1; at = lower.indexOf(stem, at + 1)) {
      const lead = Math.max(0, at - LEAD_IN);
      const begin = lead === 0 ? 0 : joined.indexOf(" ", lead) + 1 || lead;
      const covered = coverage(cutAt(joined, begin, length).quote, stems);
      if (covered > most || (covered === most && begin < start)) [most, start] = [covered, begin];
    }
  }
  const { quote, more } = cutAt(joined, start, length);
  return `${from > 0 || start > 0 ? "…" : ""}${quote}${more || to < sentences.length ? "…" : ""}`;
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
