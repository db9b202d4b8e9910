/**
 * Errors of the domain, free of HTTP: the route layer maps them to statuses in one place
 * (lib/http.ts). Their messages are written for the person who made the request.
 */

/** A refusal whose message may be shown to the person as it is; each kind is its own subclass. */
export class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** The request's input is malformed or out of range. */
export class InvalidInputError extends DomainError {}

/** The thing asked for does not exist, or belongs to someone else (the two answer alike). */
export class NotFoundError extends DomainError {
  constructor(message = "Document not found") {
    super(message);
  }
}

/** The action does not apply to the thing in its current state. */
export class ConflictError extends DomainError {}

/** The person may not do this. */
export class ForbiddenError extends DomainError {}

/** A file or a request is larger than allowed. */
export class TooLargeError extends DomainError {}

/** An upload does not fit the owner's storage quota; says how much of it is left. */
export class QuotaExceededError extends TooLargeError {
  constructor(
    message: string,
    readonly quotaBytes: number,
    readonly remainingBytes: number,
  ) {
    super(message);
  }
}

/** The place files are kept has no room for this one. */
export class StorageFullError extends DomainError {}

/** A file's content is of a type the app does not read. */
export class UnsupportedTypeError extends DomainError {}

/** The person has used up a limit for now; `retryAfterSeconds` says when it frees up. */
export class TooManyRequestsError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

/**
 * A failure explained to the owner of the document (or question) it ends. `userMessage` is
 * written for them; `message` may carry the operator's detail (it defaults to `userMessage`).
 * `code` names the kind of failure for programs, `retryable` says whether trying again may help
 * (false: the file itself is the problem), and `transient` whether the queue should retry it with
 * backoff before giving up (true) or end the job at once (false).
 */
export class OwnerFacingError extends Error {
  override name = "OwnerFacingError";
  readonly userMessage: string;
  readonly code: string;
  readonly retryable: boolean;
  readonly transient: boolean;

  constructor(userMessage: string, options: { code: string; retryable: boolean; transient?: boolean; detail?: string; cause?: unknown }) {
    super(options.detail ?? userMessage, { cause: options.cause });
    this.userMessage = userMessage;
    this.code = options.code;
    this.retryable = options.retryable;
    this.transient = options.transient ?? false;
  }
}

/** One file of an upload refused on its own (too large, unsupported type): the others may still be kept. */
export interface FileRefusal {
  filename: string;
  error: TooLargeError | UnsupportedTypeError;
}

/** Every file of an upload was refused: the request answers as its first refusal, and names them all. */
export class FilesRefusedError extends DomainError {
  constructor(readonly refusals: [FileRefusal, ...FileRefusal[]]) {
    super(refusals[0].error.message);
  }
}
