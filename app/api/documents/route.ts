import { z } from "zod";
import { createDocuments, listDocuments, toUploaded } from "@/lib/documents";
import { logger } from "@/lib/logger";
import { announceState } from "@/lib/document-state";
import { receiveRateLimitedUpload } from "@/lib/upload-rate-limit";
import { env } from "@/lib/env";
import { PRIORITY } from "@/lib/queues";
import { firstIssue, withUser } from "@/lib/route";
import { HttpError } from "@/lib/http";
import { enqueueDocument } from "@/jobs/flow";

export const dynamic = "force-dynamic";

const listQuery = z.object({ q: z.string().trim().max(200).optional() }).strict();

/** The owner's documents, newest first; `?q=` keeps those whose title, file name or summary contains it. */
export const GET = withUser(async (request, user) => {
  const parsed = listQuery.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw new HttpError(400, firstIssue(parsed.error));
  return Response.json({ documents: await listDocuments(user.id, parsed.data.q) });
});

/** Stores the uploaded files, creates their documents and enqueues their processing; answers at once. */
export const POST = withUser(async (request, user) => {
  const files = await receiveRateLimitedUpload(user.id, request);
  const created = await createDocuments(user.id, files);
  // A person waiting for a few files goes before a large batch.
  const priority = files.length > env.BULK_UPLOAD_FILES ? PRIORITY.bulk : PRIORITY.interactive;
  for (const { document, duplicate } of created) {
    if (duplicate) continue;
    // The row is committed first: if Redis is unreachable now, the document stays queued
    // in the database and the reconciler enqueues it later.
    await enqueueDocument(document.id, { priority }).catch((error: Error) =>
      logger.error("enqueue failed; left for the reconciler", { documentId: document.id, error: error.message }),
    );
    announceState(document);
  }
  return Response.json({ documents: created.map((c) => toUploaded(c.document, c.duplicate)) }, { status: 202 });
});
