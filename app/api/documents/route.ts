import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import { InvalidInputError } from "@/lib/errors";
import { listLibrary } from "@/lib/library";
import { listQuerySchema, TRASH_STATUS } from "@/lib/library-query";
import { firstIssue, withUser } from "@/lib/route";
import { listTrash } from "@/lib/trash";
import { handleUpload } from "@/lib/upload-request";

export const dynamic = "force-dynamic";

/** A page of the owner's documents: `{ documents, nextCursor, total }`, sorted and filtered as asked (`status=deleted`: the trash). */
export const GET = withUser(async (request, user) => {
  const parsed = listQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new InvalidInputError(firstIssue(parsed.error));
  const { status, ...query } = parsed.data;
  return Response.json(status === TRASH_STATUS ? await listTrash(user.id, parsed.data) : await listLibrary(user.id, { ...query, status }));
});

/** An upload (`lib/upload-request.ts`); the web process's server answers it before Next.js, so this serves only what reaches Next.js another way. */
export const POST = (request: Request) => handleUpload(request, request.body ? Readable.fromWeb(request.body as ReadableStream) : null);
