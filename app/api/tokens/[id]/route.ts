import { routeId, withUser } from "@/lib/route";
import { revokeApiToken } from "@/lib/users";

export const dynamic = "force-dynamic";

/** Revokes one of the user's API tokens. */
export const DELETE = withUser<{ id: string }>(async (_request, user, params) => {
  await revokeApiToken(user.id, routeId(params, "token"));
  return new Response(null, { status: 204 });
});
