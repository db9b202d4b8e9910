/**
 * Failed sign-ins per email, counted in Redis (so every web process shares them): after
 * SIGN_IN_ATTEMPTS failures within SIGN_IN_WINDOW_MINUTES, that email is refused with 429 and
 * Retry-After until the window ends. A successful sign-in clears the count.
 */
import { env } from "./env";
import { TooManyRequestsError } from "./errors";
import { redisKey, sharedRedis } from "./redis";

const key = (email: string) => redisKey("sign-in-failures", email.trim().toLowerCase());

/** Throws 429 while the email has used up its failed attempts. */
export async function checkSignInAllowed(email: string): Promise<void> {
  const redis = sharedRedis();
  const [failures, ttl] = await Promise.all([redis.get(key(email)), redis.pttl(key(email))]);
  if (Number(failures ?? 0) < env.SIGN_IN_ATTEMPTS) return;
  const seconds = Math.max(1, Math.ceil(ttl / 1000));
  throw new TooManyRequestsError(`Too many failed sign-ins for this email. Try again in ${Math.ceil(seconds / 60)} minute(s).`, seconds);
}

export async function recordSignInFailure(email: string): Promise<void> {
  const windowMs = env.SIGN_IN_WINDOW_MINUTES * 60_000;
  // The window starts at the first failure (NX), so failures cannot keep it open for ever.
  await sharedRedis().multi().incr(key(email)).pexpire(key(email), windowMs, "NX").exec();
}

export async function clearSignInFailures(email: string): Promise<void> {
  await sharedRedis().del(key(email));
}
