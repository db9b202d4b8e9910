import { retryDocument } from "@/lib/document-actions";
import { errorResponse } from "@/lib/http";
import { currentOwnerId } from "@/lib/owner";

export const dynamic = "force-dynamic";

/** Runs a failed or cancelled document again from the stage where it stopped. */
export async function POST(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    return Response.json(await retryDocument(currentOwnerId(), id));
  } catch (error) {
    return errorResponse(error);
  }
}
