import { deleteQuestion, getQuestion } from "@/lib/questions";
import { routeId, withUser } from "@/lib/route";

export const dynamic = "force-dynamic";

/** One of the owner's questions with its answer (so far, while it streams) and citations. */
export const GET = withUser<{ id: string }>(async (_request, user, params) => Response.json(await getQuestion(user.id, routeId(params, "question"))));

/** Forgets a question, stopping its answer first. */
export const DELETE = withUser<{ id: string }>(async (_request, user, params) => {
  await deleteQuestion(user.id, routeId(params, "question"));
  return new Response(null, { status: 204 });
});
