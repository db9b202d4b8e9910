import type { TextDescription } from "@/lib/similarity/embedding";
import type { LibraryStatistics } from "@/lib/similarity/weighting";
import type { OutlineEntry } from "@/lib/document-types";

/** Called with the fraction of the work done, 0 to 1, and what is being done now where there are steps ("part 3 of 9"). */
export type ProgressCallback = (fraction: number, detail?: string) => void | Promise<void>;

export interface SummarizeOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** The most sentences: the description's first and the key points (lib/summary-form.ts). */
  maxSentences?: number;
  /** The document's title, which usually names its subject. */
  title?: string;
  /** The document's headings, with offsets in characters of the text: the sections key points should cover. */
  outline?: OutlineEntry[];
  /**
   * Called as the final summary is written, with the whole text so far (each call's text extends
   * the one before, and the summary returned is the last, with its list marks made "• "). A
   * provider that writes the summary at once never calls it.
   */
  onDraft?: (textSoFar: string) => void;
  /** Called when the call that writes the final summary starts again from its beginning: the text so far is void. */
  onRetry?: () => void;
}

export interface EmbedOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  /** The owner's library statistics, for a provider whose vectors depend on them (the local one). */
  statistics?: LibraryStatistics;
}

/** A passage an answer is written from; the answer cites it by its place in the list, from 1. */
export interface AnswerSource {
  title: string;
  text: string;
  /** The stretch of `text` that bears on the question, for an answer that quotes rather than writes. */
  quote: string;
}

export interface AnswerOptions {
  signal?: AbortSignal;
  /** Called as the answer is written, with the whole text so far (each call's text extends the one before). */
  onDraft?: (textSoFar: string) => void;
  /** Called when the answer starts again from its beginning: the text so far is void. */
  onRetry?: () => void;
}

/** A whole document's vector, with its description (key terms, MinHash) when making the vector gave it. */
export interface DocumentEmbedding {
  vector: number[];
  description?: TextDescription;
}

/** What the job chain needs from an AI backend: a summary of a text, one vector per text, and answers to questions. */
export interface AiProvider {
  readonly name: string;
  readonly summaryModel: string;
  readonly embeddingModel: string;
  summarize(text: string, opts?: SummarizeOptions): Promise<string>;
  embed(texts: string[], opts?: EmbedOptions): Promise<number[][]>;
  /** The model that writes answers; with `answersQuote`, none does: the answer is the sources quoted. */
  readonly answerModel: string;
  readonly answersQuote: boolean;
  /** An answer to a question from numbered sources, citing them as [1], [2]. */
  answer(question: string, sources: AnswerSource[], opts?: AnswerOptions): Promise<string>;
  /** One vector for a whole document, for a provider that does better than averaging its chunks. */
  embedDocument?(text: string, opts?: EmbedOptions): Promise<DocumentEmbedding>;
  /** The model name of vectors made under these statistics, for a provider whose vectors depend on them. */
  embeddingModelFor?(statistics: LibraryStatistics): string;
}
