import { z } from "zod";
import { prisma } from "@/lib/db";
import { deleteDocument } from "@/lib/pipeline";
import { readBody, routeId, withUser } from "@/lib/route";
import { removeUser, setDisabled, setStorageQuota, type UserInfo } from "@/lib/users";

export const dynamic = "force-dynamic";

const patchSchema = z
  .object({
    disabled: z.boolean().optional(),
    /** Bytes this person may keep; null: the installation's default. */
    storageQuotaBytes: z.number().int("must be a whole number of bytes").positive("must be more than 0").max(Number.MAX_SAFE_INTEGER).nullable().optional(),
  })
  .strict()
  .refine((body) => body.disabled !== undefined || body.storageQuotaBytes !== undefined, "Send disabled, storageQuotaBytes or both.");

/**
 * Changes a person's account (admins only): `disabled` disables it or enables it again (a disabled
 * person's sessions and tokens stop at once); `storageQuotaBytes` sets their storage quota.
 */
export const PATCH = withUser<{ id: string }>(
  async (request, admin, params) => {
    const { disabled, storageQuotaBytes } = await readBody(request, patchSchema);
    const id = routeId(params, "person");
    let user: UserInfo | undefined;
    if (storageQuotaBytes !== undefined) user = await setStorageQuota(id, storageQuotaBytes);
    if (disabled !== undefined) user = await setDisabled(admin.id, id, disabled);
    return Response.json({ user });
  },
  { admin: true },
);

/** Each of a person's documents, removed the way a delete removes one (jobs, file, similar lists). */
async function removeDocumentsOf(ownerId: string): Promise<void> {
  const documents = await prisma.document.findMany({ where: { ownerId }, select: { id: true } });
  for (const { id } of documents) await deleteDocument(ownerId, id);
}

/** Removes a person and their documents (admins only). */
export const DELETE = withUser<{ id: string }>(
  async (_request, admin, params) => {
    await removeUser(admin.id, routeId(params, "person"), removeDocumentsOf);
    return new Response(null, { status: 204 });
  },
  { admin: true },
);
