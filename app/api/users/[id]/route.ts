import { z } from "zod";
import { prisma } from "@/lib/db";
import { deleteDocument } from "@/lib/pipeline";
import { readBody, routeId, withUser } from "@/lib/route";
import { removeUser, setDisabled } from "@/lib/users";

export const dynamic = "force-dynamic";

const patchSchema = z.object({ disabled: z.boolean() }).strict();

/** Disables a person's account, or enables it again (admins only): a disabled person's sessions and tokens stop at once. */
export const PATCH = withUser<{ id: string }>(
  async (request, admin, params) => {
    const { disabled } = await readBody(request, patchSchema);
    return Response.json({ user: await setDisabled(admin.id, routeId(params, "person"), disabled) });
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
