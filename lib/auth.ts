/**
 * Who is asking: a browser session (an HTTP-only cookie) or an API token (`Authorization: Bearer`
 * for REST, `auth: { token }` for Socket.IO). Secrets are random; the database keeps only their
 * SHA-256, so a copy of it signs nobody in.
 */
import { createHash, randomBytes } from "node:crypto";
import { parse as parseCookies } from "cookie";
import { prisma } from "./db";
import { env } from "./env";
import { HttpError } from "./http";

export const SESSION_COOKIE = "docsum_session";
/** API tokens start with this, so a leaked one is easy to recognise (and to search for). */
export const API_TOKEN_PREFIX = "dsk_";
/** How often, at most, a token's "last used" time is written. */
const LAST_USED_PRECISION_MS = 60_000;

export interface CurrentUser {
  id: string;
  email: string;
  isAdmin: boolean;
}

/** The parts of a request (or a Socket.IO handshake) that can carry credentials. */
export interface Credentials {
  cookie?: string | null;
  authorization?: string | null;
  /** A token given outside the headers (the Socket.IO handshake's `auth.token`). */
  token?: unknown;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function newSecret(prefix = ""): string {
  return `${prefix}${randomBytes(32).toString("base64url")}`;
}

/** The fields of a user that requests carry (never the password hash). */
export const toCurrentUser = (user: CurrentUser): CurrentUser => ({ id: user.id, email: user.email, isAdmin: user.isAdmin });

/** Names of the credential a request or connection used, so it can be ended everywhere at once. */
export const sessionCredential = (id: string) => `session:${id}`;
export const tokenCredential = (id: string) => `token:${id}`;

/** Starts a session for a user; returns the cookie's secret and when it expires. */
export async function createSession(userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret();
  const expiresAt = new Date(Date.now() + env.SESSION_DAYS * 24 * 60 * 60 * 1000);
  await prisma.session.create({ data: { userId, tokenHash: hashSecret(token), expiresAt } });
  return { token, expiresAt };
}

/** Ends a session; answers the credential it was (to close its live connections), or null. */
export async function endSession(token: string): Promise<string | null> {
  const session = await prisma.session.findUnique({ where: { tokenHash: hashSecret(token) }, select: { id: true } });
  if (!session) return null;
  await prisma.session.deleteMany({ where: { id: session.id } });
  return sessionCredential(session.id);
}

/** A signed-in user and the credential (session or token) that signed them in. */
export interface Authenticated {
  user: CurrentUser;
  credential: string;
}

async function userFromSession(token: string): Promise<Authenticated | null> {
  const session = await prisma.session.findUnique({ where: { tokenHash: hashSecret(token) }, include: { user: true } });
  if (!session || session.user.disabledAt) return null;
  if (session.expiresAt <= new Date()) {
    await prisma.session.deleteMany({ where: { id: session.id } });
    return null;
  }
  return { user: toCurrentUser(session.user), credential: sessionCredential(session.id) };
}

async function userFromApiToken(token: string): Promise<Authenticated | null> {
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 200) return null;
  const apiToken = await prisma.apiToken.findUnique({ where: { tokenHash: hashSecret(token) }, include: { user: true } });
  if (!apiToken || apiToken.user.disabledAt || (apiToken.expiresAt && apiToken.expiresAt <= new Date())) return null;
  const now = Date.now();
  if (!apiToken.lastUsedAt || now - apiToken.lastUsedAt.getTime() > LAST_USED_PRECISION_MS) {
    await prisma.apiToken.update({ where: { id: apiToken.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { user: toCurrentUser(apiToken.user), credential: tokenCredential(apiToken.id) };
}

/** Whether a credential (as `sessionCredential` or `tokenCredential` names it) still signs its person in. */
export async function credentialValid(credential: string): Promise<boolean> {
  const [kind, id] = credential.split(":");
  const now = new Date();
  if (kind === "session") {
    const session = await prisma.session.findUnique({ where: { id }, select: { expiresAt: true, user: { select: { disabledAt: true } } } });
    return !!session && session.expiresAt > now && !session.user.disabledAt;
  }
  if (kind === "token") {
    const token = await prisma.apiToken.findUnique({ where: { id }, select: { expiresAt: true, user: { select: { disabledAt: true } } } });
    return !!token && (!token.expiresAt || token.expiresAt > now) && !token.user.disabledAt;
  }
  return false;
}

/** The session cookie's secret in a Cookie header, if any. */
export function sessionTokenFrom(cookieHeader: string | null | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  return parseCookies(cookieHeader)[SESSION_COOKIE] || undefined;
}

/** The token of an `Authorization: Bearer <token>` header, if any. */
export function bearerToken(authorization: string | null | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  return match?.[1];
}

/** The signed-in user and their credential, or null. A token wins over a cookie when both are present. */
export async function authenticateWith(credentials: Credentials): Promise<Authenticated | null> {
  const token = bearerToken(credentials.authorization) ?? (typeof credentials.token === "string" ? credentials.token : undefined);
  if (token) return userFromApiToken(token);
  const session = sessionTokenFrom(credentials.cookie);
  return session ? userFromSession(session) : null;
}

/** The id of the browser session a request signs in with, or null (a token, or no credentials). */
export async function currentSessionId(request: Request): Promise<string | null> {
  if (bearerToken(request.headers.get("authorization"))) return null;
  const token = sessionTokenFrom(request.headers.get("cookie"));
  if (!token) return null;
  const session = await prisma.session.findUnique({ where: { tokenHash: hashSecret(token) }, select: { id: true } });
  return session?.id ?? null;
}

/** The signed-in user, or null. */
export async function authenticate(credentials: Credentials): Promise<CurrentUser | null> {
  return (await authenticateWith(credentials))?.user ?? null;
}

/** What signing a request in reads of it. */
export type RequestHead = Pick<Request, "method" | "headers">;

/**
 * The signed-in user of a route handler's request; 401 without valid credentials.
 * A request that changes something with a session cookie must come from this site's own pages
 * (its Origin, when sent, names this host): another site cannot act with a visitor's cookie.
 */
export async function requireUser(request: RequestHead): Promise<CurrentUser> {
  const credentials = { cookie: request.headers.get("cookie"), authorization: request.headers.get("authorization") };
  const user = await authenticate(credentials);
  if (!user) throw new HttpError(401, "Sign in, or send an API token as \"Authorization: Bearer <token>\".");
  if (!bearerToken(credentials.authorization) && !isSafeMethod(request.method) && !isSameOrigin(request)) {
    throw new HttpError(403, "This request came from another site.");
  }
  return user;
}

export async function requireAdmin(request: Request): Promise<CurrentUser> {
  const user = await requireUser(request);
  if (!user.isAdmin) throw new HttpError(403, "Only an administrator can do this.");
  return user;
}

function isSafeMethod(method: string): boolean {
  return method === "GET" || method === "HEAD" || method === "OPTIONS";
}

/**
 * Whether an Origin header (when the browser sent one) names this server's own host (as a proxy in
 * front names it). Browsers send Origin with every cross-site request that could change something,
 * so a missing one (scripts, same-origin reads) passes.
 */
export function sameOrigin(origin: string | string[] | null | undefined, host: string | string[] | null | undefined): boolean {
  if (!origin) return true;
  try {
    return new URL(String(origin)).host === String(host);
  } catch {
    return false;
  }
}

/** Whether a route handler's request came from this site's own pages (see `sameOrigin`). */
export function isSameOrigin(request: Pick<Request, "headers">): boolean {
  return sameOrigin(request.headers.get("origin"), request.headers.get("x-forwarded-host") ?? request.headers.get("host"));
}

/** Whether the cookie should be Secure: always, never, or when the request came over HTTPS. */
export function secureCookie(request: Request): boolean {
  if (env.COOKIE_SECURE !== "auto") return env.COOKIE_SECURE === "true";
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}

/** The Set-Cookie value that starts (or, with a null token, ends) a browser session. */
export function sessionCookie(request: Request, session: { token: string; expiresAt: Date } | null): string {
  const parts = [
    `${SESSION_COOKIE}=${session?.token ?? ""}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    session ? `Expires=${session.expiresAt.toUTCString()}` : "Max-Age=0",
  ];
  if (secureCookie(request)) parts.push("Secure");
  return parts.join("; ");
}
