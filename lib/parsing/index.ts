export { DETECT_HEAD_BYTES, detectType } from "./detect";
export type { DetectedType } from "./detect";
export { ACCEPT_EXTENSIONS, FORMATS, SUPPORTED_MIME_TYPES, formatList, formatTypeName } from "./formats";
export type { FormatWording, SupportedMimeType } from "./formats";
export { DocumentError } from "./errors";
export { extractText } from "./extract";
export type { ExtractOptions, ExtractedText } from "./extract";
