/**
 * Stage 1: the stored file to plain text (PDF, text, Markdown, HTML) and its outline. The parser
 * runs in a child process with a heap limit, within a time limit.
 */
import { env } from "@/lib/env";
import { extractTextIsolated } from "@/lib/parsing/isolated";
import { withDocumentFile } from "@/lib/document-file";
import type { StageHandler } from "./handler";

export const extract: StageHandler = {
  timeLimit: {
    ms: env.EXTRACT_TIMEOUT_MS,
    message: `The file could not be read within the time limit (${Math.round(env.EXTRACT_TIMEOUT_MS / 1000)} seconds).`,
  },
  async handle({ document, signal, reportProgress }) {
    const read = (file: string) =>
      extractTextIsolated(file, document.mimeType, {
        signal,
        onProgress: reportProgress,
        maxPages: env.MAX_PDF_PAGES,
        maxChars: env.MAX_TEXT_CHARS,
        memoryMb: env.EXTRACT_MEMORY_MB,
      });
    const { text, pages, truncated, outline } = await withDocumentFile(document, read, signal);
    const note = truncated ? `Only the first ${env.MAX_TEXT_CHARS.toLocaleString("en-US")} characters of the text were read and summarized.` : undefined;
    return { output: { text, pages, outline }, note };
  },
};
