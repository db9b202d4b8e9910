import { z } from "zod";
import { prisma } from "@/lib/db";
import { purgeDocument } from "@/lib/pipeline";
import { readBody, routeId, withUser } from "@/lib/route";
import { credentialsSchema, removeUser, resetPassword, setAdmin, setDisabled, setStorageQuota, type UserInfo } from "@/lib/users";

export const dynamic = "force-dynamic";

const patchSchema = z
  .object({
    disabled: z.boolean().optional(),
    /** Bytes this person may keep; null: the installation's default. */
    storageQuotaBytes: z.number().int("must be a whole number of bytes").positive("must be more than 0").max(Number.MAX_SAFE_INTEGER).nullable().optional(),
    /** true makes the person an administrator, false an ordinary user. */
    admin: z.boolean().optional(),
    /** A new password for the person (their sessions end). */
    password: credentialsSchema.shape.password.optional(),
  })
  .strict()
  .refine((body) => Object.values(body).some((value) => value !== undefined), "Send disabled, storageQuotaBytes, admin or password.");

/**
 * Changes a person's account (admins only): `disabled` disables it or enables it again (a disabled
 * person's sessions and tokens stop at once); `storageQuotaBytes` sets their storage quota; `admin`
 * gives or takes the administrator's role; `password` resets their password (their sessions end).
 */
export const PATCH = withUser<{ id: string }>(
  async (request, admin, params) => {
    const { disabled, storageQuotaBytes, admin: makeAdmin, password } = await readBody(request, patchSchema);
    const id = routeId(params, "person");
    let user: UserInfo | undefined;
    if (storageQuotaBytes !== undefined) user = await setStorageQuota(id, storageQuotaBytes);
    if (disabled !== undefined) user = await setDisabled(admin.id, id, disabled);
    if (makeAdmin !== undefined) user = await setAdmin(admin.id, id, makeAdmin);
    if (password !== undefined) user = await resetPassword(admin.id, id, password);
    return Response.json({ user });
  },
  { admin: true },
);

/** Each of a person's documents, in the library or the trash, removed for good (jobs, file, similar lists); and their questions. */
async function removeDocumentsOf(ownerId: string): Promise<void> {
  const [documents, trashed] = await Promise.all([
    prisma.document.findMany({ where: { ownerId }, select: { id: true } }),
    prisma.trashedDocument.findMany({ where: { ownerId }, select: { id: true } }),
  ]);
  for (const { id } of [...documents, ...trashed]) await purgeDocument(ownerId, id);
  await prisma.question.deleteMany({ where: { ownerId } });
}

/** Removes a person and their documents (admins only). */
export const DELETE = withUser<{ id: string }>(
  async (_request, admin, params) => {
    await removeUser(admin.id, routeId(params, "person"), removeDocumentsOf);
    return new Response(null, { status: 204 });
  },
  { admin: true },
);
