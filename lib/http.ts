/** HTTP answers for errors: domain errors and route-level refusals mapped to statuses and JSON in one place. */
import {
  ConflictError,
  DomainError,
  FilesRefusedError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  QuotaExceededError,
  StorageFullError,
  TooLargeError,
  TooManyRequestsError,
  UnsupportedTypeError,
  type FileRefusal,
} from "./errors";
import { logger } from "./logger";

/** A refusal decided by the route layer itself (who is asking, from where), with its status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

const STATUSES: [new (...args: never[]) => DomainError, number][] = [
  [InvalidInputError, 400],
  [ForbiddenError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [TooLargeError, 413],
  [UnsupportedTypeError, 415],
  [TooManyRequestsError, 429],
  [StorageFullError, 507],
];

/** What an error adds to its JSON answer beside `error`: a quota's size and what is left of it. */
function detailsOf(error: unknown): Record<string, unknown> {
  if (error instanceof QuotaExceededError) return { quotaBytes: error.quotaBytes, remainingBytes: error.remainingBytes };
  if (error instanceof FilesRefusedError) return { rejected: rejectedFiles(error.refusals) };
  return {};
}

/** The refused files of an upload as its answer names them: each with the status it alone would have had. */
export function rejectedFiles(refusals: FileRefusal[]): { filename: string; status: number; error: string }[] {
  return refusals.map(({ filename, error }) => ({ filename, status: statusOf(error)?.status ?? 400, error: error.message }));
}

/** The status and headers an error answers with, or null for an unexpected error (a 500). */
export function statusOf(error: unknown): { status: number; headers: Record<string, string> } | null {
  if (error instanceof HttpError) return { status: error.status, headers: error.headers };
  if (!(error instanceof DomainError)) return null;
  if (error instanceof FilesRefusedError) return statusOf(error.refusals[0].error);
  const status = STATUSES.find(([type]) => error instanceof type)?.[1] ?? 400;
  const headers: Record<string, string> = error instanceof TooManyRequestsError ? { "Retry-After": String(error.retryAfterSeconds) } : {};
  return { status, headers };
}

/** A JSON error response; internal error text never reaches the client. */
export function errorResponse(error: unknown): Response {
  const known = statusOf(error);
  if (known) return Response.json({ error: (error as Error).message, ...detailsOf(error) }, known);
  logger.error("request failed", { error: (error as Error)?.stack ?? String(error) });
  return Response.json({ error: "Something went wrong on our side. Please try again." }, { status: 500 });
}
