import { cancelDocument } from "@/lib/document-actions";
import { errorResponse } from "@/lib/http";
import { currentOwnerId } from "@/lib/owner";

export const dynamic = "force-dynamic";

/** Cancels a queued or running document. */
export async function POST(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    return Response.json(await cancelDocument(currentOwnerId(), id));
  } catch (error) {
    return errorResponse(error);
  }
}
