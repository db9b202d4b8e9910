import { z } from "zod";
import { reprocessDocument } from "@/lib/pipeline";
import { readBody, routeId, withUser } from "@/lib/route";

export const dynamic = "force-dynamic";

const bodySchema = z
  .object({ at: z.iso.datetime({ offset: true, message: "must be an ISO 8601 time with a time zone, for example 2030-01-01T09:00:00Z." }).optional() })
  .strict();

/** Runs a document's whole chain again, now or at the time given in `at`. */
export const POST = withUser<{ id: string }>(async (request, user, params) => {
  const id = routeId(params);
  const { at } = await readBody(request, bodySchema, { optional: true });
  return Response.json(await reprocessDocument(user.id, id, at ? new Date(at) : undefined));
});
