import { z } from "zod";
import { readBody, withUser } from "@/lib/route";
import { createUser, credentialsSchema, listUsers } from "@/lib/users";

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
    return Response.json({ user: await createUser(credentials, { admin }) }, { status: 201 });
  },
  { admin: true },
);
