import { OwnerFacingError } from "@/lib/errors";

/**
 * A problem with the document itself that no retry can fix (empty, damaged, encrypted, no text,
 * too slow or too large to read). Its message is written for the document's owner.
 */
export class DocumentError extends OwnerFacingError {
  override name = "DocumentError";

  constructor(message: string, options: { cause?: unknown; code?: string } = {}) {
    super(message, { code: options.code ?? "unreadable-file", retryable: false, cause: options.cause });
  }
}
