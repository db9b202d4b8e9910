import { withUser } from "@/lib/route";

export const dynamic = "force-dynamic";

/** Who the credentials belong to. */
export const GET = withUser(async (_request, user) => Response.json({ user }));
