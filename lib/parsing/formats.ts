/**
 * The document formats the app reads, one row each: what detection answers, what the file dialog
 * offers and how pages and messages name them. Browser-safe: data only.
 */

/** How a format is named inside a sentence: in full, short, or short for several files. */
export type FormatWording = "full" | "short" | "plural";

interface FormatRow {
  mimeType: string;
  /** The format's short name in URLs and the API (`?type=pdf`). */
  key: string;
  /** How the document page names the format. */
  name: string;
  /** The format inside a sentence ("Upload PDF, plain text… files", "Upload PDFs, text…"). */
  inText: Record<FormatWording, string>;
  /** The file name endings the file dialog offers. */
  extensions: readonly string[];
}

/** The formats, in the order texts list them. */
export const FORMATS = [
  {
    mimeType: "application/pdf",
    key: "pdf",
    name: "PDF",
    inText: { full: "PDF", short: "PDF", plural: "PDFs" },
    extensions: [".pdf"],
  },
  {
    mimeType: "text/plain",
    key: "text",
    name: "Plain text",
    inText: { full: "plain text", short: "text", plural: "text" },
    extensions: [".txt"],
  },
  {
    mimeType: "text/markdown",
    key: "markdown",
    name: "Markdown",
    inText: { full: "Markdown", short: "Markdown", plural: "Markdown" },
    extensions: [".md", ".markdown"],
  },
  {
    mimeType: "text/html",
    key: "html",
    name: "HTML",
    inText: { full: "HTML", short: "HTML", plural: "HTML" },
    extensions: [".html", ".htm"],
  },
  {
    mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    key: "word",
    name: "Word",
    inText: { full: "Word", short: "Word", plural: "Word files" },
    extensions: [".docx"],
  },
  {
    mimeType: "application/vnd.oasis.opendocument.text",
    key: "odt",
    name: "OpenDocument text",
    inText: { full: "OpenDocument text", short: "ODT", plural: "OpenDocument files" },
    extensions: [".odt"],
  },
  {
    mimeType: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    key: "powerpoint",
    name: "PowerPoint",
    inText: { full: "PowerPoint", short: "PowerPoint", plural: "PowerPoint files" },
    extensions: [".pptx"],
  },
  {
    mimeType: "image/png",
    key: "png",
    name: "PNG image",
    inText: { full: "PNG", short: "PNG", plural: "PNG" },
    extensions: [".png"],
  },
  {
    mimeType: "image/jpeg",
    key: "jpeg",
    name: "JPEG image",
    inText: { full: "JPEG", short: "JPEG", plural: "JPEG" },
    extensions: [".jpg", ".jpeg"],
  },
  {
    mimeType: "image/tiff",
    key: "tiff",
    name: "TIFF image",
    inText: { full: "TIFF", short: "TIFF", plural: "TIFF" },
    extensions: [".tif", ".tiff"],
  },
  {
    mimeType: "image/webp",
    key: "webp",
    name: "WebP image",
    inText: { full: "WebP", short: "WebP", plural: "WebP images" },
    extensions: [".webp"],
  },
] as const satisfies readonly FormatRow[];

export type SupportedMimeType = (typeof FORMATS)[number]["mimeType"];

export type FormatKey = (typeof FORMATS)[number]["key"];

/** Formats whose text is read by OCR only: photos and scans of pages. */
export const IMAGE_MIME_TYPES: readonly SupportedMimeType[] = ["image/png", "image/jpeg", "image/tiff", "image/webp"];

/** Whether a type is an image (read by OCR). */
export function isImageType(mimeType: string): boolean {
  return (IMAGE_MIME_TYPES as readonly string[]).includes(mimeType);
}

/** Whether files of this type get a thumbnail (a PDF's first page, an image itself). */
export function hasThumbnailType(mimeType: string): boolean {
  return mimeType === "application/pdf" || isImageType(mimeType);
}

/** The formats' short names, for filters (`?type=`). */
export const FORMAT_KEYS = FORMATS.map((format) => format.key) as [FormatKey, ...FormatKey[]];

/** The type a format's short name stands for. */
export function mimeTypeOf(key: FormatKey): SupportedMimeType {
  return FORMATS.find((format) => format.key === key)!.mimeType;
}

/** The document types the app can read. */
export const SUPPORTED_MIME_TYPES: readonly SupportedMimeType[] = FORMATS.map((format) => format.mimeType);

/** The file dialog's `accept` list; the server still judges every file by its content. */
export const ACCEPT_EXTENSIONS = FORMATS.flatMap((format) => format.extensions).join(",");

/** How a page names a document's type ("Plain text"); an unknown type reads as itself. */
export function formatTypeName(mimeType: string): string {
  return FORMATS.find((format) => format.mimeType === mimeType)?.name ?? mimeType;
}

/** The formats as a list inside a sentence: formatList("or") is "PDF, plain text, Markdown, …, TIFF or WebP". */
export function formatList(conjunction: string, wording: FormatWording = "full"): string {
  const names = FORMATS.map((format) => format.inText[wording]);
  return `${names.slice(0, -1).join(", ")} ${conjunction} ${names[names.length - 1]}`;
}
