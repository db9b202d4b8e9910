import { deleteDocument } from "@/lib/document-actions";
import { getDocumentDetail } from "@/lib/documents";
import { errorResponse } from "@/lib/http";
import { currentOwnerId } from "@/lib/owner";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

/** One document with its summary and similar documents. */
export async function GET(_request: Request, { params }: Params) {
  try {
    const { id } = await params;
    return Response.json(await getDocumentDetail(currentOwnerId(), id));
  } catch (error) {
    return errorResponse(error);
  }
}

/** Deletes a document, its file and its jobs. */
export async function DELETE(_request: Request, { params }: Params) {
  try {
    const { id } = await params;
    await deleteDocument(currentOwnerId(), id);
    return new Response(null, { status: 204 });
  } catch (error) {
    return errorResponse(error);
  }
}
