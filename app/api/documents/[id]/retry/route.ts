import { retryDocument } from "@/lib/pipeline";
import { routeId, withUser } from "@/lib/route";

export const dynamic = "force-dynamic";

/** Runs a failed or cancelled document again from the stage where it stopped. */
export const POST = withUser<{ id: string }>(async (_request, user, params) => Response.json(await retryDocument(user.id, routeId(params))));
