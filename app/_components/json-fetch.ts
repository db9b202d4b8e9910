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

/** The error for a refusal with status `status` and JSON body `answer`: the server's message when it gave one. */
function refusal(status: number, answer: { error?: string } | null, fallback?: string): RequestError {
  return new RequestError(answer?.error ?? fallback ?? `The server answered ${status}.`, status, answer as Record<string, unknown> | null);
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
  if (!response.ok) throw refusal(response.status, await response.json().catch(() => ({})), fallback);
  if (response.status === 204) return undefined as T;
  try {
    return (await response.json()) as T;
  } catch (error) {
    throw failure(error);
  }
}

/**
 * POSTs `body` (a multipart form) and answers its JSON as `requestJson` does, calling `onSent`
 * with the request body's bytes sent so far and its size while it goes out (`fetch` cannot tell).
 */
export function postWithProgress<T>(url: string, body: FormData, onSent: (sent: number, size: number) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onSent(event.loaded, event.total);
    };
    xhr.onerror = () => reject(new TypeError("The request did not reach the server."));
    xhr.onabort = () => reject(new DOMException("The request was aborted.", "AbortError"));
    xhr.onload = () => {
      let answer: unknown;
      try {
        answer = xhr.status === 204 ? undefined : JSON.parse(xhr.responseText);
      } catch (error) {
        if (xhr.status >= 200 && xhr.status < 300) return reject(error);
        answer = {};
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(answer as T);
      else reject(refusal(xhr.status, answer as { error?: string } | null));
    };
    xhr.send(body);
  });
}
