/**
 * How much one owner may upload a minute, counted in Redis so the limits hold across web
 * processes: files (UPLOAD_FILES_PER_MINUTE) and bytes of request bodies
 * (UPLOAD_BYTES_PER_MINUTE). Each is a sliding window of the last minute, one sorted-set entry
 * per request weighted by what it used, checked and recorded in one atomic script. A retry or a
 * re-run of a document costs what uploading it again would: one file. The bytes of every request
 * count, refused and aborted ones included, since they were received all the same. An upload
 * also has to fit the owner's storage quota.
 */
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { env } from "./env";
import { TooManyRequestsError } from "./errors";
import { formatBytes } from "./format";
import { logger } from "./logger";
import { countUploadBytes } from "./metrics/upload";
import { redisKey, sharedRedis } from "./redis";
import { quotaRefusal, storageLeft } from "./storage-quota";
import { receiveUpload, removeReceived, type ReceivedUpload } from "./upload";

const WINDOW_MS = 60_000;

/**
 * KEYS: the owner's window (a sorted set of "<id>:<amount>" scored by ms on the Redis clock).
 * ARGV: window ms, amount allowed per window, amount, entry id, mode: "check" (does one more
 * unit fit?), "take" (add the amount if it fits) or "record" (add it whatever the window holds).
 * Returns { ms until the amount would fit (0 when it fits or was recorded), amount left after it }.
 */
const WINDOW = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local amount = tonumber(ARGV[3])
local mode = ARGV[5]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local used = 0
for i = 1, #entries, 2 do
  used = used + tonumber(string.match(entries[i], ':(%d+)$'))
end
local wanted = mode == 'check' and 1 or amount
if mode == 'record' or used + wanted <= limit then
  if mode ~= 'check' and amount > 0 then
    redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. amount)
    redis.call('PEXPIRE', KEYS[1], window)
    used = used + amount
  end
  return { 0, math.max(0, limit - used) }
end
local left = math.max(0, limit - used)
if wanted > limit then return { window, left } end
-- Wait until enough of the oldest entries leave the window.
local freed = 0
for i = 1, #entries, 2 do
  freed = freed + tonumber(string.match(entries[i], ':(%d+)$'))
  if used - freed + wanted <= limit then
    return { math.max(1, tonumber(entries[i + 1]) + window - now), left }
  end
end
return { window, left }
`;

type Mode = "check" | "take" | "record";

interface Limit {
  key: string;
  perMinute: () => number;
  /** How the refusal names what was used up. */
  describe: (perMinute: number) => string;
}

const FILES: Limit = { key: "upload-rate", perMinute: () => env.UPLOAD_FILES_PER_MINUTE, describe: (n) => `at most ${n} files a minute` };
const BYTES: Limit = {
  key: "upload-bytes",
  perMinute: () => env.UPLOAD_BYTES_PER_MINUTE,
  describe: (n) => `at most ${formatBytes(n)} a minute`,
};

async function use(limit: Limit, ownerId: string, amount: number, mode: Mode): Promise<{ waitMs: number; left: number }> {
  const args = [WINDOW_MS, limit.perMinute(), Math.max(0, Math.round(amount)), randomUUID(), mode];
  const [waitMs, left] = (await sharedRedis().eval(WINDOW, 1, redisKey(limit.key, ownerId), ...args)) as [number, number];
  return { waitMs: Number(waitMs), left: Number(left) };
}

/** The 429 for a full window; `what` says what was refused ("Too many uploads"). */
function refusal(limit: Limit, waitMs: number, what = "Too many uploads"): TooManyRequestsError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new TooManyRequestsError(`${what}: ${limit.describe(limit.perMinute())}. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`, seconds);
}

/** Refuses (429) before the body is read when the owner's file window is already full. */
export async function checkUploadRate(ownerId: string): Promise<void> {
  const { waitMs } = await use(FILES, ownerId, 0, "check");
  if (waitMs > 0) throw refusal(FILES, waitMs);
}

/** Counts `files` against the owner's window; throws TooManyRequestsError (with Retry-After) when they do not fit. */
export async function takeUploadRate(ownerId: string, files: number): Promise<void> {
  const { waitMs } = await use(FILES, ownerId, files, "take");
  if (waitMs > 0) throw refusal(FILES, waitMs);
}

/** Counts a retry or re-run of one document as an upload of one file; throws TooManyRequestsError when it does not fit. */
export async function takeRerunRate(ownerId: string): Promise<void> {
  const { waitMs } = await use(FILES, ownerId, 1, "take");
  if (waitMs > 0) throw refusal(FILES, waitMs, "Too many retries and re-runs (they count as uploads)");
}

/** Adds a request's body bytes to the owner's window; never fails the request it counts (a Redis error is logged). */
async function recordBytes(ownerId: string, bytes: number): Promise<void> {
  if (bytes <= 0) return;
  await use(BYTES, ownerId, bytes, "record").catch((error: Error) => logger.error("upload bytes not counted", { ownerId, bytes, error: error.message }));
}

/**
 * Receives an upload within the owner's limits: refused before reading when a window is full or
 * the quota used up; while reading (with nothing kept) once its body passes the bytes left this
 * minute or its files what is left of the quota; after reading when its files do not fit what
 * is left of the file window. Its body's bytes are counted whatever happens.
 */
export async function receiveRateLimitedUpload(ownerId: string, contentType: string | null, body: Readable | null): Promise<ReceivedUpload> {
  // The three checks at once: one wait instead of three.
  const [, bytes, quota] = await Promise.all([checkUploadRate(ownerId), use(BYTES, ownerId, 0, "check"), storageLeft(ownerId)]);
  if (bytes.waitMs > 0) throw refusal(BYTES, bytes.waitMs);
  if (quota && quota.remainingBytes <= 0) throw quotaRefusal(quota);

  let received = 0;
  const countBytes = () => {
    countUploadBytes(received);
    return recordBytes(ownerId, received);
  };
  let upload: ReceivedUpload;
  try {
    upload = await receiveUpload(contentType, body, {
      bodyBytes(total) {
        received = total;
        // The wait is for the whole window: this request alone used what was left of it.
        if (total > bytes.left) throw refusal(BYTES, WINDOW_MS);
      },
      fileBytes(total) {
        if (quota && total > quota.remainingBytes) throw quotaRefusal(quota);
      },
    });
  } catch (error) {
    await countBytes();
    throw error;
  }
  // The bytes are counted while the files are taken from the window.
  const [taken] = await Promise.allSettled([takeUploadRate(ownerId, upload.files.length), countBytes()]);
  if (taken.status === "rejected") {
    await removeReceived(upload.files);
    throw taken.reason;
  }
  return upload;
}
