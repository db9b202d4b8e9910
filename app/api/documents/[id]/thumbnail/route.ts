import { Readable } from "node:stream";
import { prisma } from "@/lib/db";
import { NotFoundError } from "@/lib/errors";
import { routeId, withUser } from "@/lib/route";
import { openThumbnail } from "@/lib/thumbnails";

export const dynamic = "force-dynamic";

/** The document's thumbnail (PNG), for its owner only: another owner's document, or one without a thumbnail, is 404. */
export const GET = withUser<{ id: string }>(async (_request, user, params) => {
  const document = await prisma.document.findFirst({
    where: { id: routeId(params), ownerId: user.id },
    select: { id: true, mimeType: true, storageKey: true },
  });
  const thumbnail = document ? await openThumbnail(document) : null;
  if (!thumbnail) throw new NotFoundError();
  return new Response(Readable.toWeb(thumbnail) as ReadableStream<Uint8Array>, {
    headers: { "Content-Type": "image/png", "Cache-Control": "private, max-age=300" },
  });
});
