import { z } from "zod";
import { getDocumentText } from "@/lib/documents";
import { InvalidInputError } from "@/lib/errors";
import { firstIssue, routeId, withUser } from "@/lib/route";

export const dynamic = "force-dynamic";

const DEFAULT_LENGTH = 20_000;
const MAX_LENGTH = 200_000;

const querySchema = z
  .object({
    offset: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(0, "must be at least 0").default(0),
    length: z.coerce
      .number({ error: "must be a number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(MAX_LENGTH, `must be at most ${MAX_LENGTH}`)
      .default(DEFAULT_LENGTH),
  })
  .strict();

/** A slice of the document's extracted text: `{ text, offset, total }`, counted in characters. */
export const GET = withUser<{ id: string }>(async (request, user, params) => {
  const id = routeId(params);
  const parsed = querySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new InvalidInputError(firstIssue(parsed.error));
  return Response.json(await getDocumentText(user.id, id, parsed.data.offset, parsed.data.length));
});
