/** HTTP errors with a status and a message fit for the client, mapped to JSON in one place. */
import { logger } from "./logger";

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

export class NotFoundError extends HttpError {
  constructor(message = "Document not found") {
    super(404, message);
  }
}

/** A JSON error response; internal error text never reaches the client. */
export function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) {
    return Response.json({ error: error.message }, { status: error.status, headers: error.headers });
  }
  logger.error("request failed", { error: (error as Error)?.stack ?? String(error) });
  return Response.json({ error: "Something went wrong on our side. Please try again." }, { status: 500 });
}
