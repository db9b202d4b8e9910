import { InvalidInputError } from "@/lib/errors";
import { askQuestion, askSchema, listQuestions, questionListSchema } from "@/lib/questions";
import { firstIssue, readBody, withUser } from "@/lib/route";

export const dynamic = "force-dynamic";

/** The owner's questions, newest first: `{ questions, nextCursor }` (`documentId`: those about one document). */
export const GET = withUser(async (request, user) => {
  const parsed = questionListSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new InvalidInputError(firstIssue(parsed.error));
  return Response.json(await listQuestions(user.id, parsed.data));
});

/**
 * Asks a question of some of the owner's documents (`documentIds`) or of the whole library (none);
 * answers `202 { id }` at once, and the answer streams as `question:answer` events.
 */
export const POST = withUser(async (request, user) => {
  const question = await askQuestion(user.id, await readBody(request, askSchema));
  return Response.json({ id: question.id }, { status: 202 });
});
