import { cancelDocument } from "@/lib/pipeline";
import { routeId, withUser } from "@/lib/route";

export const dynamic = "force-dynamic";

/** Cancels a queued or running document. */
export const POST = withUser<{ id: string }>(async (_request, user, params) => Response.json(await cancelDocument(user.id, routeId(params))));
