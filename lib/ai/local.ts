import { LOCAL_EMBEDDING_DIMENSIONS, localEmbedding, localEmbeddingModel } from "@/lib/similarity/embedding";
import { NO_STATISTICS, type LibraryStatistics } from "@/lib/similarity/weighting";
import { summarizeLocally } from "./local-summary";
import type { AiProvider, AnswerOptions, AnswerSource, DocumentEmbedding, EmbedOptions, SummarizeOptions } from "./provider";

export { LOCAL_EMBEDDING_DIMENSIONS };

/**
 * Deterministic, offline provider: an extractive summary and a lexical embedding weighted by the
 * owner's library statistics and projected by what was learned from the library; no language model.
 */
export class LocalProvider implements AiProvider {
  readonly name = "local";
  readonly summaryModel = "extractive-textrank";
  /** The model name before any library statistics; `embeddingModelFor` names the others. */
  readonly embeddingModel = localEmbeddingModel(NO_STATISTICS);
  readonly answerModel = "extract";
  readonly answersQuote = true;

  /** The document's own description of itself, then key points from its main sections, all picked from its sentences (./local-summary). */
  async summarize(text: string, opts: SummarizeOptions = {}): Promise<string> {
    return summarizeLocally(text, opts);
  }

  /** One unit vector per text: its weighted terms (under `opts.statistics`), projected or hashed. */
  async embed(texts: string[], opts: EmbedOptions = {}): Promise<number[][]> {
    return texts.map((text) => {
      opts.signal?.throwIfAborted();
      return localEmbedding(text, opts.statistics ?? NO_STATISTICS).vector;
    });
  }

  /** The whole text at once: term frequencies and their weights are the document's, not a chunk's. */
  async embedDocument(text: string, opts: EmbedOptions = {}): Promise<DocumentEmbedding> {
    opts.signal?.throwIfAborted();
    // The terms weighed for the vector are the document's description too: it is not made twice.
    const { vector, keyTerms, minhash } = localEmbedding(text, opts.statistics ?? NO_STATISTICS);
    await opts.onProgress?.(1);
    return { vector, description: { keyTerms, minhash } };
  }

  /** No model writes here: the answer is the sources' quotes, one after another with their numbers. */
  async answer(_question: string, sources: AnswerSource[], opts: AnswerOptions = {}): Promise<string> {
    let text = "";
    for (const [index, source] of sources.entries()) {
      opts.signal?.throwIfAborted();
      text += `${index === 0 ? "" : "\n\n"}[${index + 1}] “${source.quote}”`;
      opts.onDraft?.(text);
      // Each quote goes out as it is found, not all at once.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return text;
  }

  /** The model name of vectors made under a statistics version. */
  embeddingModelFor(statistics: LibraryStatistics): string {
    return localEmbeddingModel(statistics);
  }
}
