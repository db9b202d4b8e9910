import { readBody, withUser } from "@/lib/route";
import { createApiToken, listApiTokens, tokenSchema } from "@/lib/users";

export const dynamic = "force-dynamic";

/** The user's API tokens (never their secrets). */
export const GET = withUser(async (_request, user) => Response.json({ tokens: await listApiTokens(user.id) }));

/** Creates an API token, valid for `expiresInDays` or without end; its secret is in this answer only. */
export const POST = withUser(async (request, user) => {
  const { name, expiresInDays } = await readBody(request, tokenSchema);
  const { token, info } = await createApiToken(user.id, name, expiresInDays);
  return Response.json({ token, info }, { status: 201 });
});
