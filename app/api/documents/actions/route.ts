import { z } from "zod";
import { errorResponse, statusOf } from "@/lib/http";
import { BULK_ACTIONS, bulkAction } from "@/lib/pipeline";
import { readBody, withUser } from "@/lib/route";

export const dynamic = "force-dynamic";

export const MAX_BULK_IDS = 1000;

const bodySchema = z
  .object({
    action: z.enum(BULK_ACTIONS, { error: () => `must be one of ${BULK_ACTIONS.join(", ")}` }),
    ids: z
      .array(z.string().max(100), { error: "must be a list of document ids" })
      .min(1, "name at least one document")
      .max(MAX_BULK_IDS, `name at most ${MAX_BULK_IDS} documents at once`),
  })
  .strict();

/**
 * Retries, re-runs, cancels or deletes several documents: each id is tried on its own and answers
 * what it alone would have (another owner's id is "not found", like an unknown one).
 */
export const POST = withUser(async (request, user) => {
  const { action, ids } = await readBody(request, bodySchema);
  const outcomes = await bulkAction(user.id, action, ids);
  const results = await Promise.all(
    outcomes.map(async (outcome) => {
      if (outcome.ok) return outcome;
      const known = statusOf(outcome.error);
      // An unexpected error is logged (by errorResponse) and answers like a 500 would.
      const error = known ? (outcome.error as Error).message : ((await errorResponse(outcome.error).json()) as { error: string }).error;
      return { id: outcome.id, ok: false as const, status: known?.status ?? 500, error };
    }),
  );
  return Response.json({ results });
});
