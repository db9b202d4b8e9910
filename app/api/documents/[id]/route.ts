import { getDocumentDetail } from "@/lib/documents";
import { errorResponse } from "@/lib/http";
import { currentOwnerId } from "@/lib/owner";

export const dynamic = "force-dynamic";

/** One document with its summary and similar documents. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  try {
    const { id } = await params;
    return Response.json(await getDocumentDetail(currentOwnerId(), id));
  } catch (error) {
    return errorResponse(error);
  }
}
