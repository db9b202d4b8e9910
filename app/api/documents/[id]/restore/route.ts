import { restoreDocument } from "@/lib/pipeline";
import { routeId, withUser } from "@/lib/route";

export const dynamic = "force-dynamic";

/** Brings a document back from the trash, with its file, similar documents and search entries; answers it. */
export const POST = withUser<{ id: string }>(async (_request, user, params) => Response.json(await restoreDocument(user.id, routeId(params))));
