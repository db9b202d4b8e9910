/**
 * Sign-in attempts, counted in Redis (so every web process shares them) per email and client
 * address, and per client address across all emails. An attempt is reserved atomically before
 * the password is checked, so parallel guesses cannot all slip under the limit; a success hands
 * its reservation back. Past SIGN_IN_ATTEMPTS for one email from one address, or
 * SIGN_IN_ADDRESS_ATTEMPTS from one address, within SIGN_IN_WINDOW_MINUTES, the answer is 429
 * with Retry-After until the window ends. Keyed by address too, so a stranger's guesses never lock
 * the owner of an email out from where they sign in.
 */
import { env } from "./env";
import { TooManyRequestsError } from "./errors";
import { redisKey, sharedRedis } from "./redis";

/**
 * KEYS: the email-and-address counter, the address counter (one hash tag: one slot).
 * ARGV: window ms, email limit, address limit. Returns 0 (reserved), -1 or -2 (which limit), with
 * the ms until it frees up as a second value.
 */
const RESERVE = `
local email = tonumber(redis.call('GET', KEYS[1]) or '0')
local address = tonumber(redis.call('GET', KEYS[2]) or '0')
if email >= tonumber(ARGV[2]) then return { -1, redis.call('PTTL', KEYS[1]) } end
if address >= tonumber(ARGV[3]) then return { -2, redis.call('PTTL', KEYS[2]) } end
for i = 1, 2 do
  redis.call('INCR', KEYS[i])
  redis.call('PEXPIRE', KEYS[i], ARGV[1], 'NX')
end
return { 0, 0 }
`;

/** KEYS as RESERVE's: a success clears the email's count and hands the address's one back. */
const RELEASE = `
redis.call('DEL', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 0
`;

/** Both counters of an address carry its tag, so the scripts' keys share one cluster slot. */
function keys(email: string, address: string): [string, string] {
  return [redisKey("sign-in", address, "email", email.trim().toLowerCase()), redisKey("sign-in", address, "all")];
}

function minutes(ms: number): number {
  return Math.max(1, Math.ceil(ms / 60_000));
}

/** Reserves one sign-in attempt for `email` from `address`; TooManyRequestsError when a limit is used up. */
export async function reserveSignInAttempt(email: string, address: string): Promise<void> {
  const windowMs = env.SIGN_IN_WINDOW_MINUTES * 60_000;
  const [outcome, waitMs] = (await sharedRedis().eval(RESERVE, 2, ...keys(email, address), windowMs, env.SIGN_IN_ATTEMPTS, env.SIGN_IN_ADDRESS_ATTEMPTS)) as [number, number];
  if (outcome === 0) return;
  const wait = waitMs > 0 ? waitMs : windowMs;
  const seconds = Math.max(1, Math.ceil(wait / 1000));
  const what = outcome === -1 ? "for this email" : "from your address";
  throw new TooManyRequestsError(`Too many failed sign-ins ${what}. Try again in ${minutes(wait)} minute(s).`, seconds);
}

/** A successful sign-in: its attempt does not count. */
export async function signInSucceeded(email: string, address: string): Promise<void> {
  await sharedRedis().eval(RELEASE, 2, ...keys(email, address));
}
