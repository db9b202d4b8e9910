/** The child process entry that reads documents' text, so a parser that crashes or runs out of memory takes down only this process. */
import { serve } from "@/lib/isolation/protocol";
import { extractText, type ExtractedText } from "./extract";

export interface ExtractRequest {
  filePath: string;
  mimeType: string;
  maxPages?: number;
  maxChars?: number;
}

serve<ExtractRequest, ExtractedText>((request, onProgress) =>
  extractText(request.filePath, request.mimeType, {
    maxPages: request.maxPages,
    maxChars: request.maxChars,
    onProgress,
  }),
);
