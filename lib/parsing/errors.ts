/**
 * A problem with the document itself that no retry can fix (empty, damaged, encrypted, no text).
 * Its message is written for the document's owner and may be shown to them as is.
 */
export class DocumentError extends Error {
  override readonly name = "DocumentError";
  /** The text to show the document's owner; the same as `message`. */
  readonly userMessage: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.userMessage = message;
  }
}
