/** Stage 1: the stored file to plain text (PDF, text, Markdown, HTML). Runs on the `ingest` queue. */
import { completeStage } from "@/lib/document-state";
import { env } from "@/lib/env";
import { localPath } from "@/lib/storage";
import type { StageJob } from "./stage";

export const extractJob: StageJob = {
  stage: "extract",
  queue: "ingest",
  async handle({ document, signal, reportProgress }) {
    // Loaded lazily: the PDF parser is heavy and only the worker needs it.
    const { extractText } = await import("@/lib/parsing");
    const { text, pages } = await extractText(localPath(document.storageKey), document.mimeType, {
      signal,
      onProgress: reportProgress,
      maxPages: env.MAX_PDF_PAGES,
    });
    await completeStage(document, "extract", { text, pages });
  },
};
