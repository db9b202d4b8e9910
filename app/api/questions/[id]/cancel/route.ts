import { cancelQuestion } from "@/lib/questions";
import { routeId, withUser } from "@/lib/route";

export const dynamic = "force-dynamic";

/** Stops a question's answer where it is; a finished question is answered as it stands. */
export const POST = withUser<{ id: string }>(async (_request, user, params) => Response.json(await cancelQuestion(user.id, routeId(params, "question"))));
