/**
 * The child process entry that reads documents' text, so a parser that crashes or runs out of
 * memory takes down only this process. It is handed the file's bytes, never its path: it may not
 * be able to open the stored file (see lib/isolation/sandbox.ts).
 */
import { serve } from "@/lib/isolation/protocol";
import { extractTextFromBytes, type DocumentBytes, type ExtractedText } from "./extract";
import type { ZipLimits } from "./zip";

export interface ExtractRequest {
  file: DocumentBytes;
  mimeType: string;
  maxPages?: number;
  maxChars?: number;
  zipLimits?: ZipLimits;
  findScans?: boolean;
  ocrText?: Record<number, string>;
}

serve<ExtractRequest, ExtractedText>((request, onProgress) =>
  extractTextFromBytes(request.file, request.mimeType, {
    maxPages: request.maxPages,
    maxChars: request.maxChars,
    zipLimits: request.zipLimits,
    findScans: request.findScans,
    ocrText: request.ocrText,
    onProgress,
  }),
);
