export interface JsonRequest {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  /** A value sent as the JSON body. */
  json?: unknown;
  /** A body sent as it is, e.g. a multipart FormData. */
  body?: BodyInit;
  /**
   * The message when the server says nothing usable: the network failed, a refusal carries no
   * `error`, or the answer is not JSON. Without it, a refusal reads "The server answered 500."
   * and the other failures keep their own error.
   */
  fallback?: string;
}

/** A refusal from the server: its message, and the JSON body it came with (for details beside `error`). */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly body: Record<string, unknown> | null,
  ) {
    super(message);
    this.name = "RequestError";
  }
}

/** A request from the browser answered with JSON; throws the server's own error message when it refuses. */
export async function requestJson<T>(url: string, { method = "GET", json, body, fallback }: JsonRequest = {}): Promise<T> {
  const failure = (error: unknown) => (fallback === undefined ? error : new Error(fallback));
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      cache: "no-store",
      headers: json === undefined ? { accept: "application/json" } : { accept: "application/json", "Content-Type": "application/json" },
      body: json === undefined ? body : JSON.stringify(json),
    });
  } catch (error) {
    throw failure(error);
  }
  if (!response.ok) {
    const answer = (await response.json().catch(() => ({}))) as { error?: string } | null;
    throw new RequestError(answer?.error ?? fallback ?? `The server answered ${response.status}.`, response.status, answer);
  }
  if (response.status === 204) return undefined as T;
  try {
    return (await response.json()) as T;
  } catch (error) {
    throw failure(error);
  }
}
