import { deleteDocument } from "@/lib/pipeline";
import { getDocumentDetail } from "@/lib/documents";
import { routeId, withUser } from "@/lib/route";

export const dynamic = "force-dynamic";

/** One document with its summary and similar documents. */
export const GET = withUser<{ id: string }>(async (_request, user, params) =>
  Response.json(await getDocumentDetail(user.id, routeId(params))),
);

/** Deletes a document, its file and its jobs. */
export const DELETE = withUser<{ id: string }>(async (_request, user, params) => {
  await deleteDocument(user.id, routeId(params));
  return new Response(null, { status: 204 });
});
