/** The upload's measures: requests by outcome, and the bytes of their bodies. */
import { QuotaExceededError } from "../errors";
import { statusOf } from "../http";
import { metrics } from "./registry";

/** How an upload request ended, for `docsum_uploads_total{outcome}`. */
function outcomeOf(error: unknown): string {
  if (error instanceof QuotaExceededError) return "quota";
  const status = statusOf(error)?.status;
  if (status === 429) return "rate_limited";
  if (status !== undefined && status < 500) return "rejected";
  return "error";
}

/** Runs an upload request's handler and counts how it ended (accepted: some files were taken). */
export async function countUpload(handle: () => Promise<Response>): Promise<Response> {
  try {
    const response = await handle();
    metrics().uploads.inc({ outcome: response.ok ? "accepted" : "rejected" });
    return response;
  } catch (error) {
    metrics().uploads.inc({ outcome: outcomeOf(error) });
    throw error;
  }
}

/** Adds a request body's bytes, as received (refused and aborted requests too). */
export function countUploadBytes(bytes: number): void {
  if (bytes > 0) metrics().uploadBytes.inc(bytes);
}
