import { randomUUID } from "node:crypto";
import { toUploaded } from "@/lib/documents";
import { env } from "@/lib/env";
import { InvalidInputError } from "@/lib/errors";
import { rejectedFiles } from "@/lib/http";
import { submitDocuments } from "@/lib/pipeline";
import { listLibrary } from "@/lib/library";
import { listQuerySchema, TRASH_STATUS } from "@/lib/library-query";
import { countUpload } from "@/lib/metrics/upload";
import { PRIORITY } from "@/lib/queues";
import { firstIssue, withUser } from "@/lib/route";
import { listTrash } from "@/lib/trash";
import { receiveRateLimitedUpload } from "@/lib/upload-rate-limit";

export const dynamic = "force-dynamic";

/** A page of the owner's documents: `{ documents, nextCursor, total }`, sorted and filtered as asked (`status=deleted`: the trash). */
export const GET = withUser(async (request, user) => {
  const parsed = listQuerySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new InvalidInputError(firstIssue(parsed.error));
  const { status, ...query } = parsed.data;
  return Response.json(status === TRASH_STATUS ? await listTrash(user.id, parsed.data) : await listLibrary(user.id, { ...query, status }));
});

/**
 * Stores the uploaded files, creates their documents and enqueues their processing; answers at
 * once: `202 { batchId, documents, rejected }` (the request is one batch: GET /api/batches/:id), each refused file named with the status it alone would
 * have had (413, 415). When every file was refused, the first one's status with `{ error, rejected }`.
 */
export const POST = withUser((request, user) =>
  countUpload(async () => {
    const { files, refused } = await receiveRateLimitedUpload(user.id, request);
    // A person waiting for a few files goes before a large batch.
    const priority = files.length > env.BULK_UPLOAD_FILES ? PRIORITY.bulk : PRIORITY.interactive;
    const batchId = randomUUID();
    const submitted = await submitDocuments(user.id, files, { priority, batchId });
    return Response.json(
      { batchId, documents: submitted.map((s) => toUploaded(s.document, s.duplicate)), rejected: rejectedFiles(refused) },
      { status: 202 },
    );
  }),
);
