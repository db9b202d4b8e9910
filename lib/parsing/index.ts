export { DETECT_HEAD_BYTES, SUPPORTED_MIME_TYPES, detectType } from "./detect";
export type { DetectedType, SupportedMimeType } from "./detect";
export { DocumentError } from "./errors";
export { extractText } from "./extract";
export type { ExtractOptions, ExtractedText } from "./extract";
