import { Readable } from "node:stream";
import { prisma } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { routeId, withUser } from "@/lib/route";
import { openDocumentFile } from "@/lib/document-file";

export const dynamic = "force-dynamic";

/** The original file, as an attachment (never rendered by the browser as a page of this site). */
export const GET = withUser<{ id: string }>(async (_request, user, params) => {
  const document = await prisma.document.findFirst({
    where: { id: routeId(params), ownerId: user.id },
    select: { id: true, filename: true, mimeType: true, size: true, storageKey: true },
  });
  if (!document) throw new NotFoundError();
  const body = Readable.toWeb(await openDocumentFile(document)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "Content-Type": document.mimeType === "text/html" ? "text/plain; charset=utf-8" : document.mimeType,
      "Content-Length": String(document.size),
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(document.filename)}`,
    },
  });
});
