/**
 * How many files one owner may upload a minute, counted in Redis so the limit holds across web
 * processes: a sliding window of the last minute's uploads, one sorted-set entry per accepted
 * request weighted by its file count, checked and recorded in one atomic script. A retry or a
 * re-run of a document costs what uploading it again would: one file.
 */
import { randomUUID } from "node:crypto";
import { env } from "./env";
import { TooManyRequestsError } from "./errors";
import { redisKey, sharedRedis } from "./redis";
import { receiveUpload, removeReceived, type ReceivedFile } from "./upload";

const WINDOW_MS = 60_000;

/**
 * KEYS: the owner's window (a sorted set of "<id>:<files>" scored by ms on the Redis clock).
 * ARGV: window ms, files allowed per window, files to add now (0 = only check), entry id.
 * Returns 0 when the files were counted (or fit), else ms until they would fit.
 */
const TAKE = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local files = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local entries = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local used = 0
for i = 1, #entries, 2 do
  used = used + tonumber(string.match(entries[i], ':(%d+)$'))
end
local wanted = math.max(files, 1)
if used + wanted <= limit then
  if files > 0 then
    redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. files)
    redis.call('PEXPIRE', KEYS[1], window)
  end
  return 0
end
if wanted > limit then return window end
-- Wait until enough of the oldest entries leave the window.
local freed = 0
for i = 1, #entries, 2 do
  freed = freed + tonumber(string.match(entries[i], ':(%d+)$'))
  if used - freed + wanted <= limit then
    return math.max(1, tonumber(entries[i + 1]) + window - now)
  end
end
return window
`;

function key(ownerId: string): string {
  return redisKey("upload-rate", ownerId);
}

/** The 429 for a full window; `what` says what was refused ("Too many uploads"). */
function refusal(waitMs: number, what = "Too many uploads"): TooManyRequestsError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  const limit = env.UPLOAD_FILES_PER_MINUTE;
  return new TooManyRequestsError(`${what}: at most ${limit} files a minute. Try again in ${seconds} second${seconds === 1 ? "" : "s"}.`, seconds);
}

async function take(ownerId: string, files: number): Promise<number> {
  const args = [WINDOW_MS, env.UPLOAD_FILES_PER_MINUTE, files, randomUUID()];
  return Number(await sharedRedis().eval(TAKE, 1, key(ownerId), ...args));
}

/** Refuses (429) before the body is read when the owner's window is already full. */
export async function checkUploadRate(ownerId: string): Promise<void> {
  const waitMs = await take(ownerId, 0);
  if (waitMs > 0) throw refusal(waitMs);
}

/** Counts `files` against the owner's window; throws TooManyRequestsError (with Retry-After) when they do not fit. */
export async function takeUploadRate(ownerId: string, files: number): Promise<void> {
  const waitMs = await take(ownerId, files);
  if (waitMs > 0) throw refusal(waitMs);
}

/** Counts a retry or re-run of one document as an upload of one file; throws TooManyRequestsError when it does not fit. */
export async function takeRerunRate(ownerId: string): Promise<void> {
  const waitMs = await take(ownerId, 1);
  if (waitMs > 0) throw refusal(waitMs, "Too many retries and re-runs (they count as uploads)");
}

/**
 * Receives an upload within the owner's rate: refused before reading when the window is full,
 * and after reading (with nothing kept) when its files do not fit what is left of it.
 */
export async function receiveRateLimitedUpload(ownerId: string, request: Request): Promise<ReceivedFile[]> {
  await checkUploadRate(ownerId);
  const files = await receiveUpload(request);
  try {
    await takeUploadRate(ownerId, files.length);
  } catch (error) {
    await removeReceived(files);
    throw error;
  }
  return files;
}
