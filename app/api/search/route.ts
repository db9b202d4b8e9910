import { InvalidInputError } from "@/lib/errors";
import { firstIssue, withUser } from "@/lib/route";
import { searchLibrary, searchQuerySchema } from "@/lib/search";

export const dynamic = "force-dynamic";

/**
 * The owner's documents that answer `q`, ranked: `{ results: [{ id, title, score, snippet,
 * matches, status }], total }`, with `limit` (1..50, 10) and `mode` (hybrid, text, semantic).
 */
export const GET = withUser(async (request, user) => {
  const parsed = searchQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new InvalidInputError(firstIssue(parsed.error));
  return Response.json(await searchLibrary(user.id, parsed.data));
});
