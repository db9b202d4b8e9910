import { z } from "zod";
import { reprocessDocument } from "@/lib/document-actions";
import { errorResponse, HttpError } from "@/lib/http";
import { currentOwnerId } from "@/lib/owner";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ at: z.iso.datetime({ offset: true }).optional() }).strict();

async function readBody(request: Request): Promise<z.infer<typeof bodySchema>> {
  const text = await request.text();
  if (!text.trim()) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpError(400, "The body must be JSON, for example { \"at\": \"2030-01-01T09:00:00Z\" }.");
  }
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) throw new HttpError(422, "\"at\" must be an ISO 8601 time with a time zone, for example 2030-01-01T09:00:00Z.");
  return parsed.data;
}

/** Runs a document's whole chain again, now or at the time given in `at`. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    const { at } = await readBody(request);
    return Response.json(await reprocessDocument(currentOwnerId(), id, at ? new Date(at) : undefined));
  } catch (error) {
    return errorResponse(error);
  }
}
