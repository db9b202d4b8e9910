import { readBody, withUser } from "@/lib/route";
import { createApiToken, listApiTokens, tokenNameSchema } from "@/lib/users";

export const dynamic = "force-dynamic";

/** The user's API tokens (never their secrets). */
export const GET = withUser(async (_request, user) => Response.json({ tokens: await listApiTokens(user.id) }));

/** Creates an API token; its secret is in this answer only. */
export const POST = withUser(async (request, user) => {
  const { name } = await readBody(request, tokenNameSchema);
  const { token, info } = await createApiToken(user.id, name);
  return Response.json({ token, info }, { status: 201 });
});
