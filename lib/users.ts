/**
 * Accounts: the first-run admin, users created by an admin (or by open sign-up when it is on),
 * sign-in by password, and each user's API tokens.
 */
import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";
import { API_TOKEN_PREFIX, hashSecret, newSecret, tokenCredential, toCurrentUser, type CurrentUser } from "./auth";
import { prisma } from "./db";
import { env } from "./env";
import { ConflictError, ForbiddenError, NotFoundError } from "./errors";
import { isUniqueViolation } from "./prisma-errors";
import { disconnectCredential } from "./socket-emitter";

/** The owner of documents uploaded before accounts existed; the first admin takes them over. */
const PRE_ACCOUNTS_OWNER_ID = "local";

const EMAIL_TAKEN = "An account with this email already exists.";

export const credentialsSchema = z.object({
  email: z.email("Enter a valid email address.").max(254).transform((email) => email.toLowerCase()),
  password: z.string().min(8, "Use a password of at least 8 characters.").max(256, "Use a password of at most 256 characters."),
});
export type NewCredentials = z.infer<typeof credentialsSchema>;

export const tokenNameSchema = z.object({ name: z.string().trim().min(1, "Give the token a name.").max(100) });

export interface ApiTokenInfo {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface UserInfo extends CurrentUser {
  createdAt: string;
}

/** A hash to verify against when the email is unknown, so both answers take the same time; made on first use. */
let unknownUserHash: Promise<string> | undefined;

export async function hasUsers(): Promise<boolean> {
  return (await prisma.user.count()) > 0;
}

/** Creates a user; ConflictError when the email is taken. */
export async function createUser({ email, password }: NewCredentials, { admin = false } = {}): Promise<CurrentUser> {
  const passwordHash = await hash(password);
  try {
    const user = await prisma.user.create({ data: { email, passwordHash, isAdmin: admin } });
    return toCurrentUser(user);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(EMAIL_TAKEN);
    throw error;
  }
}

/**
 * Self-service account creation: on a new installation the first account is the admin (and takes
 * over documents uploaded before accounts existed); afterwards only when open sign-up is on.
 */
export async function register(credentials: NewCredentials): Promise<CurrentUser> {
  const passwordHash = await hash(credentials.password);
  return prisma.$transaction(async (tx) => {
    // Two first visits at once: one becomes the admin, the other waits and is then an ordinary sign-up.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('docsum:first-admin'))`;
    const first = (await tx.user.count()) === 0;
    if (!first && !env.OPEN_SIGNUP) throw new ForbiddenError("Sign-up is closed: ask an administrator for an account.");
    if (await tx.user.findUnique({ where: { email: credentials.email } })) {
      throw new ConflictError(EMAIL_TAKEN);
    }
    const user = await tx.user.create({ data: { email: credentials.email, passwordHash, isAdmin: first } });
    if (first) await tx.document.updateMany({ where: { ownerId: PRE_ACCOUNTS_OWNER_ID }, data: { ownerId: user.id } });
    return toCurrentUser(user);
  });
}

/** The user with this email and password, or null. */
export async function signIn(email: string, password: string): Promise<CurrentUser | null> {
  const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  const ok = await verify(user?.passwordHash ?? (await (unknownUserHash ??= hash(newSecret()))), password).catch(() => false);
  return user && ok ? toCurrentUser(user) : null;
}

export async function listUsers(): Promise<UserInfo[]> {
  const users = await prisma.user.findMany({ orderBy: { createdAt: "asc" } });
  return users.map((u) => ({ ...toCurrentUser(u), createdAt: u.createdAt.toISOString() }));
}

function toTokenInfo(token: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null }): ApiTokenInfo {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
  };
}

/** Creates an API token; the secret is returned this once and never stored. */
export async function createApiToken(userId: string, name: string): Promise<{ token: string; info: ApiTokenInfo }> {
  const token = newSecret(API_TOKEN_PREFIX);
  const record = await prisma.apiToken.create({
    data: { userId, name, tokenHash: hashSecret(token), prefix: token.slice(0, API_TOKEN_PREFIX.length + 6) },
  });
  return { token, info: toTokenInfo(record) };
}

export async function listApiTokens(userId: string): Promise<ApiTokenInfo[]> {
  const tokens = await prisma.apiToken.findMany({ where: { userId }, orderBy: { createdAt: "desc" } });
  return tokens.map(toTokenInfo);
}

/** Revokes one of the user's tokens; another user's token id is simply not found. */
export async function revokeApiToken(userId: string, tokenId: string): Promise<void> {
  const { count } = await prisma.apiToken.deleteMany({ where: { id: tokenId, userId } });
  if (count === 0) throw new NotFoundError("Token not found");
  disconnectCredential(tokenCredential(tokenId));
}
