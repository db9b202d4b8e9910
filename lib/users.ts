/**
 * Accounts: the first-run admin, users created by an admin (or by open sign-up when it is on),
 * sign-in by password, and each user's API tokens.
 */
import { hash, verify } from "@node-rs/argon2";
import { z } from "zod";
import { API_TOKEN_PREFIX, hashSecret, newSecret, sessionCredential, tokenCredential, toCurrentUser, type CurrentUser } from "./auth";
import { prisma } from "./db";
import { env } from "./env";
import { ConflictError, ForbiddenError, NotFoundError } from "./errors";
import { isUniqueViolation } from "./prisma-errors";
import { forgetSetupToken, setupTokenMatches } from "./setup-token";
import { effectiveQuota, storageUsed } from "./storage-quota";
import { disconnectCredential } from "./socket-emitter";

/** The owner of documents uploaded before accounts existed; the first admin takes them over. */
const PRE_ACCOUNTS_OWNER_ID = "local";

const EMAIL_TAKEN = "An account with this email already exists.";

export const credentialsSchema = z.object({
  email: z.email("Enter a valid email address.").max(254).transform((email) => email.toLowerCase()),
  password: z.string().min(8, "Use a password of at least 8 characters.").max(256, "Use a password of at most 256 characters."),
});
export type NewCredentials = z.infer<typeof credentialsSchema>;


export interface ApiTokenInfo {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** When the token stops working; null: never. */
  expiresAt: string | null;
}

export interface UserInfo extends CurrentUser {
  createdAt: string;
  /** Whether an administrator disabled the account. */
  disabled: boolean;
  /** The quota an administrator set for this person (bytes); null: the installation's default applies. */
  storageQuotaBytes: number | null;
  /** The quota that applies (their own or the installation's); null: none. */
  effectiveQuotaBytes: number | null;
  /** The bytes of this person's files. */
  storageUsedBytes: number;
}

export const tokenSchema = z.object({
  name: z.string().trim().min(1, "Give the token a name.").max(100),
  /** Days until the token expires; absent: it does not expire. */
  expiresInDays: z.coerce.number().int("must be a whole number of days").min(1).max(3650).optional(),
});

export const passwordChangeSchema = z.object({
  currentPassword: z.string().max(256),
  newPassword: credentialsSchema.shape.password,
});

/** A hash to verify against when the email is unknown, so both answers take the same time; made on first use. */
let unknownUserHash: Promise<string> | undefined;

export async function hasUsers(): Promise<boolean> {
  return (await prisma.user.count()) > 0;
}

/**
 * Creates a user; ConflictError when the email is taken. The installation's first administrator
 * made this way (`npm run user:create -- <email> --admin`) takes over earlier documents, as the
 * setup page's does.
 */
export async function createUser({ email, password }: NewCredentials, { admin = false } = {}): Promise<CurrentUser> {
  const passwordHash = await hash(password);
  try {
    const user = await prisma.$transaction(async (tx) => {
      await lockFirstAdmin(tx);
      const first = (await tx.user.count()) === 0;
      const created = await tx.user.create({ data: { email, passwordHash, isAdmin: admin } });
      if (first && admin) await takeOverEarlierDocuments(tx, created.id);
      return created;
    });
    forgetSetupToken();
    return toCurrentUser(user);
  } catch (error) {
    if (isUniqueViolation(error)) throw new ConflictError(EMAIL_TAKEN);
    throw error;
  }
}

const SIGN_UP_CLOSED = "Sign-up is closed: ask an administrator for an account.";
const SETUP_TOKEN_NEEDED = "This installation is new: open the setup link that npm start printed (it carries a one-time token), or run npm run user:create -- <email> --admin.";

/** Why this registration may not go ahead, before any password is hashed; null when it may. */
async function registrationRefusal(setupToken: unknown): Promise<Error | null> {
  if (await hasUsers()) return env.OPEN_SIGNUP ? null : new ForbiddenError(SIGN_UP_CLOSED);
  return setupTokenMatches(setupToken) ? null : new ForbiddenError(SETUP_TOKEN_NEEDED);
}

/**
 * Self-service account creation: on a new installation the first account is the admin (it needs
 * the installation's setup token, and takes over documents uploaded before accounts existed);
 * afterwards only when open sign-up is on.
 */
export async function register(credentials: NewCredentials, setupToken?: unknown): Promise<CurrentUser> {
  // Refused before hashing: a closed sign-up costs no Argon2 work.
  const refusal = await registrationRefusal(setupToken);
  if (refusal) throw refusal;
  const passwordHash = await hash(credentials.password);
  const user = await prisma.$transaction(async (tx) => {
    // Two first visits at once: one becomes the admin, the other waits and is then an ordinary sign-up.
    await lockFirstAdmin(tx);
    const first = (await tx.user.count()) === 0;
    if (!first && !env.OPEN_SIGNUP) throw new ForbiddenError(SIGN_UP_CLOSED);
    if (await tx.user.findUnique({ where: { email: credentials.email } })) throw new ConflictError(EMAIL_TAKEN);
    const created = await tx.user.create({ data: { email: credentials.email, passwordHash, isAdmin: first } });
    if (first) await takeOverEarlierDocuments(tx, created.id);
    return created;
  });
  forgetSetupToken();
  return toCurrentUser(user);
}

type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

function lockFirstAdmin(tx: Tx) {
  return tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('docsum:first-admin'))`;
}

/** The first administrator takes over the documents uploaded before accounts existed. */
function takeOverEarlierDocuments(tx: Tx, userId: string) {
  return tx.document.updateMany({ where: { ownerId: PRE_ACCOUNTS_OWNER_ID }, data: { ownerId: userId } });
}

/** The user with this email and password, or null. */
export async function signIn(email: string, password: string): Promise<CurrentUser | null> {
  const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  const ok = await verify(user?.passwordHash ?? (await (unknownUserHash ??= hash(newSecret()))), password).catch(() => false);
  return user && ok ? toCurrentUser(user) : null;
}

type UserRow = NonNullable<Awaited<ReturnType<typeof prisma.user.findUnique>>>;

function toUserInfo(user: UserRow, storageUsedBytes: number): UserInfo {
  return {
    ...toCurrentUser(user),
    createdAt: user.createdAt.toISOString(),
    disabled: user.disabledAt !== null,
    storageQuotaBytes: user.storageQuotaBytes === null ? null : Number(user.storageQuotaBytes),
    effectiveQuotaBytes: effectiveQuota(user.storageQuotaBytes),
    storageUsedBytes,
  };
}

/** One person as an administrator sees them. */
export async function userInfo(userId: string): Promise<UserInfo> {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  return toUserInfo(user, (await storageUsed([userId])).get(userId) ?? 0);
}

export async function listUsers(): Promise<UserInfo[]> {
  const users = await prisma.user.findMany({ orderBy: { createdAt: "asc" } });
  const used = await storageUsed(users.map((user) => user.id));
  return users.map((user) => toUserInfo(user, used.get(user.id) ?? 0));
}

function toTokenInfo(token: { id: string; name: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; expiresAt: Date | null }): ApiTokenInfo {
  return {
    id: token.id,
    name: token.name,
    prefix: token.prefix,
    createdAt: token.createdAt.toISOString(),
    lastUsedAt: token.lastUsedAt?.toISOString() ?? null,
    expiresAt: token.expiresAt?.toISOString() ?? null,
  };
}

/** Creates an API token, valid for `expiresInDays` or for ever; the secret is returned this once and never stored. */
export async function createApiToken(userId: string, name: string, expiresInDays?: number): Promise<{ token: string; info: ApiTokenInfo }> {
  const token = newSecret(API_TOKEN_PREFIX);
  const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 24 * 60 * 60 * 1000) : null;
  const record = await prisma.apiToken.create({
    data: { userId, name, tokenHash: hashSecret(token), prefix: token.slice(0, API_TOKEN_PREFIX.length + 6), expiresAt },
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

/** Closes the live connections of every session and token of a person, except `keepSession`. */
async function disconnectAll(userId: string, keepSession?: string): Promise<void> {
  const [sessions, tokens] = await Promise.all([
    prisma.session.findMany({ where: { userId }, select: { id: true } }),
    prisma.apiToken.findMany({ where: { userId }, select: { id: true } }),
  ]);
  for (const { id } of sessions) if (id !== keepSession) disconnectCredential(sessionCredential(id));
  for (const { id } of tokens) disconnectCredential(tokenCredential(id));
}

/**
 * Changes a person's password after checking the current one; every other session ends (and its
 * live connections close), so a thief's session does not outlive the change. API tokens stay.
 */
export async function changePassword(userId: string, keepSessionId: string | null, currentPassword: string, newPassword: string): Promise<void> {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  if (!(await verify(user.passwordHash, currentPassword).catch(() => false))) throw new ForbiddenError("The current password is wrong.");
  const passwordHash = await hash(newPassword);
  const others = await prisma.session.findMany({ where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) }, select: { id: true } });
  await prisma.$transaction([
    prisma.user.update({ where: { id: userId }, data: { passwordHash } }),
    prisma.session.deleteMany({ where: { id: { in: others.map((session) => session.id) } } }),
  ]);
  for (const { id } of others) disconnectCredential(sessionCredential(id));
}

/** An administrator's own account cannot be disabled or removed by them (so the installation keeps one). */
function notSelf(adminId: string, userId: string): void {
  if (adminId === userId) throw new ConflictError("You cannot do this to your own account.");
}

/** Disables (or enables again) a person's account: while disabled, their sessions and tokens sign in nowhere. */
export async function setDisabled(adminId: string, userId: string, disabled: boolean): Promise<UserInfo> {
  notSelf(adminId, userId);
  const { count } = await prisma.user.updateMany({ where: { id: userId }, data: { disabledAt: disabled ? new Date() : null } });
  if (count === 0) throw new NotFoundError("Person not found");
  if (disabled) await disconnectAll(userId);
  return userInfo(userId);
}

/** Sets a person's own storage quota in bytes (an administrator's own included), or clears it (null) so the default applies. */
export async function setStorageQuota(userId: string, bytes: number | null): Promise<UserInfo> {
  const { count } = await prisma.user.updateMany({ where: { id: userId }, data: { storageQuotaBytes: bytes === null ? null : BigInt(bytes) } });
  if (count === 0) throw new NotFoundError("Person not found");
  return userInfo(userId);
}

/** Removes a person: their sessions and tokens stop at once; `removeDocuments` removes each of their documents first. */
export async function removeUser(adminId: string, userId: string, removeDocuments: (ownerId: string) => Promise<void>): Promise<void> {
  notSelf(adminId, userId);
  if (!(await prisma.user.findUnique({ where: { id: userId }, select: { id: true } }))) throw new NotFoundError("Person not found");
  await prisma.user.update({ where: { id: userId }, data: { disabledAt: new Date() } });
  await disconnectAll(userId);
  await removeDocuments(userId);
  await prisma.user.delete({ where: { id: userId } });
}

/** Makes a person an administrator or an ordinary user again; an administrator cannot change their own role (the installation keeps one). */
export async function setAdmin(adminId: string, userId: string, isAdmin: boolean): Promise<UserInfo> {
  notSelf(adminId, userId);
  const { count } = await prisma.user.updateMany({ where: { id: userId }, data: { isAdmin } });
  if (count === 0) throw new NotFoundError("Person not found");
  return userInfo(userId);
}

/**
 * Sets a new password for a person who lost theirs (an administrator's own is changed with the
 * current one instead): every session of theirs ends, so whoever held one must sign in with the
 * new password. API tokens stay.
 */
export async function resetPassword(adminId: string, userId: string, newPassword: string): Promise<UserInfo> {
  notSelf(adminId, userId);
  const passwordHash = await hash(newPassword);
  const sessions = await prisma.session.findMany({ where: { userId }, select: { id: true } });
  const [{ count }] = await prisma.$transaction([
    prisma.user.updateMany({ where: { id: userId }, data: { passwordHash } }),
    prisma.session.deleteMany({ where: { userId } }),
  ]);
  if (count === 0) throw new NotFoundError("Person not found");
  for (const { id } of sessions) disconnectCredential(sessionCredential(id));
  return userInfo(userId);
}
