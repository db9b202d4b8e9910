import { z } from "zod";
import { readBody, withUser } from "@/lib/route";
import { createUser, credentialsSchema, listUsers, userInfo } from "@/lib/users";

export const dynamic = "force-dynamic";

const newUserSchema = credentialsSchema.extend({
  admin: z.union([z.boolean(), z.literal("on")]).optional().transform((value) => value === true || value === "on"),
});

/** Every account (admins only). */
export const GET = withUser(async () => Response.json({ users: await listUsers() }), { admin: true });

/** Creates an account (admins only). */
export const POST = withUser(
  async (request) => {
    const { admin, ...credentials } = await readBody(request, newUserSchema);
    const { id } = await createUser(credentials, { admin });
    return Response.json({ user: await userInfo(id) }, { status: 201 });
  },
  { admin: true },
);
