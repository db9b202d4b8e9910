/**
 * What can go wrong when talking to an AI API, as errors the worker knows how to treat: a 429
 * pauses the queue, a refused request fails the document at once, anything else is retried.
 * Each is an OwnerFacingError: `userMessage` is what the owner sees if it ends the document.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import { OwnerFacingError } from "@/lib/errors";

/** The API asked us to slow down; the queue should pause for `retryAfterMs` without using up an attempt. */
export class AiRateLimitedError extends OwnerFacingError {
  override readonly name = "AiRateLimitedError";
  constructor(
    detail: string,
    readonly retryAfterMs: number,
  ) {
    super("The AI service kept asking us to slow down. Try again later.", { code: "ai-rate-limited", retryable: true, transient: true, detail });
  }
}

/**
 * A request no retry of the job can fix (bad key, unknown model, input too long): the document
 * fails at once. `retryable`: whether a person's retry may pass once the cause is fixed elsewhere
 * (a key or a model changed); the document's own length never changes.
 */
export class AiRequestError extends OwnerFacingError {
  override readonly name = "AiRequestError";
  constructor(detail: string, userMessage: string, { retryable = true } = {}) {
    super(userMessage, { code: "ai-refused", retryable, detail });
  }
}

/** A failure that may pass (5xx, timeout, lost connection, unreadable answer): BullMQ retries it. */
export class AiTransientError extends OwnerFacingError {
  override readonly name = "AiTransientError";
  constructor(detail: string, userMessage: string) {
    super(userMessage, { code: "ai-unavailable", retryable: true, transient: true, detail });
  }
}

/** A streamed answer broke off before its end: the connection dropped, the server failed or fell silent mid-way. */
export class AiStreamCutError extends AiTransientError {
  constructor(detail: string) {
    super(`stream cut: ${detail}`, "The AI service kept breaking off its answers. Try again later.");
  }
}

/** The API answered 200 with a body that is not what the endpoint promises. */
export class AiMalformedResponseError extends AiTransientError {
  constructor(what: string) {
    super(`malformed response: ${what}`, "The AI service sent answers that could not be read. Try again later.");
  }
}

const MIN_RETRY_AFTER_MS = 1_000;

/** What a failed SDK call was about, for messages. */
export interface AiCallContext {
  /** The endpoint, e.g. "chat.completions". */
  endpoint: string;
  model: string;
  /** The wait used when a 429 names none. */
  defaultRetryAfterMs: number;
}

/** Turns an error from an `openai` SDK call into one of the errors above; an abort passes through. */
export function toAiError(error: unknown, context: AiCallContext): unknown {
  const { endpoint, model } = context;
  if (error instanceof APIUserAbortError || error instanceof AiTransientError || error instanceof AiRequestError) return error;
  if (error instanceof APIConnectionTimeoutError) {
    return new AiTransientError(`${endpoint} timed out`, "The AI service did not answer in time. Try again later.");
  }
  if (error instanceof APIConnectionError) {
    return new AiTransientError(`${endpoint} connection failed: ${error.message}`, "The AI service could not be reached. Try again later.");
  }
  if (error instanceof APIError && typeof error.status === "number") return fromStatus(error, error.status, context);
  // The SDK parses a JSON content type with response.json(): a broken body is a SyntaxError.
  if (error instanceof SyntaxError) return new AiMalformedResponseError(`${endpoint}: ${error.message}`);
  return error;
}

function fromStatus(error: APIError, status: number, { endpoint, model, defaultRetryAfterMs }: AiCallContext): Error {
  const detail = `${endpoint} HTTP ${status}: ${error.message}`;
  if (status === 429 && error.code === "insufficient_quota") {
    return new AiRequestError(detail, "The AI account has run out of credit.");
  }
  // A zero wait would put the job straight back into a loop of refusals.
  if (status === 429) return new AiRateLimitedError(detail, Math.max(MIN_RETRY_AFTER_MS, retryAfterMs(error.headers, defaultRetryAfterMs)));
  if (status === 401) return new AiRequestError(detail, "The AI service refused the API key.");
  if (status === 403) return new AiRequestError(detail, `The API key may not use model ${model}.`);
  if (status === 404) return new AiRequestError(detail, `Model ${model} does not exist on this server.`);
  if (status === 400 && /context|too long|maximum.*tokens|too many tokens/i.test(error.message)) {
    return new AiRequestError(detail, "The document is too long for the model even after splitting.", { retryable: false });
  }
  if (status === 408 || status === 409 || status >= 500) {
    return new AiTransientError(detail, `The AI service kept failing (HTTP ${status}). Try again later.`);
  }
  return new AiRequestError(detail, `The AI service rejected the request (HTTP ${status}).`);
}

/** How long a 429 asks us to wait: `retry-after-ms`, `Retry-After` (seconds or a date), the rate-limit reset headers, or the default. */
export function retryAfterMs(headers: Headers | undefined, fallbackMs: number): number {
  const ms = Number.parseFloat(headers?.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return Math.ceil(ms);

  const retryAfter = headers?.get("retry-after");
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds * 1000);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(0, date - Date.now());
  }

  // The limit that was hit is not named, so wait for the later of the two resets.
  const resets = ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"]
    .map((name) => parseDuration(headers?.get(name)))
    .filter((value): value is number => value !== undefined);
  return resets.length > 0 ? Math.max(...resets) : fallbackMs;
}

/** OpenAI's reset durations: "20ms", "1.5s", "6m0s", "1h2m3s". */
function parseDuration(value: string | null | undefined): number | undefined {
  if (!value || !/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(value)) return undefined;
  const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const [, amount, , unit] of value.matchAll(/(\d+(\.\d+)?)(ms|h|m|s)/g)) total += Number(amount) * unitMs[unit];
  return Math.ceil(total);
}
