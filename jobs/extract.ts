/**
 * Stage 1: the stored file to plain text (PDF, text, Markdown, HTML, Word, OpenDocument, and
 * scans and photos through OCR), its outline and its title. The parser runs in a child process
 * with a heap limit, within the extraction time limit; OCR runs page by page in processes of its
 * own, each page within its own time limit (see lib/parsing/read.ts). The text's passages are
 * stored for search in the transaction that stores the text. Its last step makes the thumbnail of
 * a PDF or an image (lib/thumbnails.ts), which never fails the document.
 */
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { titleFromFilename } from "@/lib/documents";
import { readDocumentText } from "@/lib/parsing/read";
import { withDocumentFile } from "@/lib/document-file";
import { insertPassages, passagesOf, removePassages } from "@/lib/search";
import { storeThumbnail } from "@/lib/thumbnails";
import type { StageHandler } from "./handler";

/** Writing a long text's passages (and indexing them) may take a while. */
const COMMIT_TIMEOUT_MS = 120_000;

export const extract: StageHandler = {
  async handle({ document, signal, reportProgress, complete }) {
    const read = async (file: string) => {
      const result = await readDocumentText(file, document.mimeType, { signal, onProgress: reportProgress });
      // The thumbnail, once the file is known to be readable.
      await storeThumbnail(document, file, signal);
      return result;
    };
    const { text, pages, truncated, outline, title, ocrPages, ocrSkipped } = await withDocumentFile(document, read, signal);
    const notes = [
      truncated ? `Only the first ${env.MAX_TEXT_CHARS.toLocaleString("en-US")} characters of the text were read and summarized.` : null,
      ocrPages > 0 ? `${ocrPages === 1 ? "One page was" : `${ocrPages} pages were`} read by OCR.` : null,
      ocrSkipped > 0 ? `${ocrSkipped} more ${ocrSkipped === 1 ? "page" : "pages"} without text ${ocrSkipped === 1 ? "was" : "were"} not read (OCR reads at most ${env.MAX_OCR_PAGES} pages).` : null,
    ].filter((note) => note !== null);
    // A title the owner set stays; otherwise the document's own, or its file name.
    const output = document.titleSetByOwner ? { text, pages, outline } : { text, pages, outline, title: title ?? titleFromFilename(document.filename) };
    const passages = passagesOf(text);
    signal.throwIfAborted();
    await prisma.$transaction(
      async (tx) => {
        await removePassages(tx, document.id);
        await complete({ ...output, searchLanguage: env.SEARCH_LANGUAGE }, tx);
        await insertPassages(tx, document, passages);
      },
      { timeout: COMMIT_TIMEOUT_MS, maxWait: 10_000 },
    );
    return { note: notes.length > 0 ? notes.join(" ") : undefined };
  },
};
