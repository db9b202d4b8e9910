/**
 * The AI API's measures, counted where every call passes (lib/ai/openai.ts, lib/ai/rate-limit.ts).
 * A call's kind is the job it runs in (summarize, embed, or any other job kind of the table, such
 * as questions), so a new kind is counted without a change here; outside a job, the caller's fallback.
 */
import { logContext } from "../logger";
import { metrics } from "./registry";

export type AiRequestStatus = "ok" | "rate_limited" | "error";

/** The kind a call is counted under: the running job's name, else `fallback`. */
export function aiKind(fallback: string): string {
  return logContext().job ?? fallback;
}

/** Counts one request to the AI API and the tokens it spent (none when unknown). */
export function countAiRequest(kind: string, status: AiRequestStatus, tokens = 0): void {
  metrics().aiRequests.inc({ kind, status });
  if (tokens > 0) metrics().aiTokens.inc({ kind }, tokens);
}

/** Adds time a call waited for the shared rate limit. */
export function countRateLimitWait(ms: number): void {
  if (ms > 0) metrics().aiRateLimited.inc(ms / 1000);
}
