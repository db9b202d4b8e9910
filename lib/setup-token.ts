/**
 * The one-time token a new installation's first account needs, so that whoever reaches a new
 * installation first cannot take it over: SETUP_TOKEN when set, else a random one kept in
 * $DATA_DIR/setup-token (mode 0600) until the first account exists. `npm start` prints it as a link.
 */
import { randomBytes, timingSafeEqual } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { env } from "./env";

/** Where the token is kept while no account exists. */
export function setupTokenFile(): string {
  return path.resolve(/*turbopackIgnore: true*/ env.DATA_DIR, "setup-token");
}

/** The installation's setup token, made on first use. */
export function setupToken(): string {
  if (env.SETUP_TOKEN) return env.SETUP_TOKEN;
  const file = setupTokenFile();
  try {
    const kept = readFileSync(file, "utf8").trim();
    if (kept) return kept;
  } catch {
    // Not made yet.
  }
  const token = randomBytes(24).toString("base64url");
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return token;
}

/** Whether `given` is the installation's setup token (compared in constant time). */
export function setupTokenMatches(given: unknown): boolean {
  if (typeof given !== "string" || given.length === 0) return false;
  const expected = Buffer.from(setupToken());
  const actual = Buffer.from(given);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Removes the kept token once the first account exists (it is of no use after that). */
export function forgetSetupToken(): void {
  rmSync(setupTokenFile(), { force: true });
}
