/**
 * Stage 1: the stored file to plain text (PDF, text, Markdown, HTML) and its outline. The parser
 * runs in a child process with a heap limit, within a time limit. The text's passages are stored
 * for search in the transaction that stores the text.
 */
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { extractTextIsolated } from "@/lib/parsing/isolated";
import { withDocumentFile } from "@/lib/document-file";
import { insertPassages, passagesOf, removePassages } from "@/lib/search";
import type { StageHandler } from "./handler";

/** Writing a long text's passages (and indexing them) may take a while. */
const COMMIT_TIMEOUT_MS = 120_000;

export const extract: StageHandler = {
  timeLimit: {
    ms: env.EXTRACT_TIMEOUT_MS,
    message: `The file could not be read within the time limit (${Math.round(env.EXTRACT_TIMEOUT_MS / 1000)} seconds).`,
  },
  async handle({ document, signal, reportProgress, complete }) {
    const read = (file: string) =>
      extractTextIsolated(file, document.mimeType, {
        signal,
        onProgress: reportProgress,
        maxPages: env.MAX_PDF_PAGES,
        maxChars: env.MAX_TEXT_CHARS,
        memoryMb: env.EXTRACT_MEMORY_MB,
      });
    const { text, pages, truncated, outline } = await withDocumentFile(document, read, signal);
    const passages = passagesOf(text);
    signal.throwIfAborted();
    await prisma.$transaction(
      async (tx) => {
        await removePassages(tx, document.id);
        await complete({ text, pages, outline, searchLanguage: env.SEARCH_LANGUAGE }, tx);
        await insertPassages(tx, document, passages);
      },
      { timeout: COMMIT_TIMEOUT_MS, maxWait: 10_000 },
    );
    const note = truncated ? `Only the first ${env.MAX_TEXT_CHARS.toLocaleString("en-US")} characters of the text were read and summarized.` : undefined;
    return { note };
  },
};
