/** Called with the fraction of the work done, 0 to 1. */
export type ProgressCallback = (fraction: number) => void | Promise<void>;

export interface SummarizeOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
  maxSentences?: number;
}

export interface EmbedOptions {
  signal?: AbortSignal;
  onProgress?: ProgressCallback;
}

/** What the job chain needs from an AI backend: a summary of a text and one vector per text. */
export interface AiProvider {
  readonly name: string;
  readonly summaryModel: string;
  readonly embeddingModel: string;
  summarize(text: string, opts?: SummarizeOptions): Promise<string>;
  embed(texts: string[], opts?: EmbedOptions): Promise<number[][]>;
}
