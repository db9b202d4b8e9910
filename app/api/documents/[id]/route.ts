import { z } from "zod";
import { deleteDocument, purgeDocument } from "@/lib/pipeline";
import { getDocumentDetail, MAX_TITLE_CHARS, renameDocument } from "@/lib/documents";
import { readBody, routeId, withUser } from "@/lib/route";

export const dynamic = "force-dynamic";

/** One document with its summary and similar documents. */
export const GET = withUser<{ id: string }>(async (_request, user, params) =>
  Response.json(await getDocumentDetail(user.id, routeId(params))),
);

/** Moves a document to the trash (its jobs stop); with `?purge=true`, removes it (or a trashed one) for good, with its file. */
export const DELETE = withUser<{ id: string }>(async (request, user, params) => {
  const purge = new URL(request.url).searchParams.get("purge") === "true";
  await (purge ? purgeDocument : deleteDocument)(user.id, routeId(params));
  return new Response(null, { status: 204 });
});

const renameSchema = z.object({
  title: z
    .string()
    .transform((title) => title.replace(/\s+/g, " ").trim())
    .pipe(z.string().min(1, "a title cannot be empty").max(MAX_TITLE_CHARS, `a title has at most ${MAX_TITLE_CHARS} characters`)),
});

/** Renames a document (`{ "title" }`); the title the person set survives processing again. */
export const PATCH = withUser<{ id: string }>(async (request, user, params) => {
  const id = routeId(params);
  const { title } = await readBody(request, renameSchema);
  return Response.json(await renameDocument(user.id, id, title));
});
