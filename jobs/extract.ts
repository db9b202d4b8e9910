/**
 * Stage 1: the stored file to plain text (PDF, text, Markdown, HTML). Runs on the `ingest`
 * queue; the parser runs in a child process with a heap limit, within a time limit.
 */
import { completeStage } from "@/lib/document-state";
import { env } from "@/lib/env";
import { localPath } from "@/lib/storage";
import type { StageJob } from "./stage";

export const extractJob: StageJob = {
  stage: "extract",
  queue: "ingest",
  timeLimit: {
    ms: env.EXTRACT_TIMEOUT_MS,
    message: `The file could not be read within the time limit (${Math.round(env.EXTRACT_TIMEOUT_MS / 1000)} seconds).`,
  },
  async handle({ document, signal, reportProgress }) {
    // Loaded lazily: only the worker needs it.
    const { extractTextIsolated } = await import("@/lib/parsing/isolated");
    const { text, pages, truncated } = await extractTextIsolated(localPath(document.storageKey), document.mimeType, {
      signal,
      onProgress: reportProgress,
      maxPages: env.MAX_PDF_PAGES,
      maxChars: env.MAX_TEXT_CHARS,
      memoryMb: env.EXTRACT_MEMORY_MB,
    });
    await completeStage(document, "extract", { text, pages });
    if (truncated) {
      return { note: `Only the first ${env.MAX_TEXT_CHARS.toLocaleString("en-US")} characters of the text were read and summarized.` };
    }
  },
};
