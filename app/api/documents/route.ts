import { createDocuments, listDocuments, toUploaded } from "@/lib/documents";
import { errorResponse } from "@/lib/http";
import { logger } from "@/lib/logger";
import { currentOwnerId } from "@/lib/owner";
import { announceState } from "@/lib/document-state";
import { receiveRateLimitedUpload } from "@/lib/upload-rate-limit";
import { env } from "@/lib/env";
import { PRIORITY } from "@/lib/queues";
import { enqueueDocument } from "@/jobs/flow";

export const dynamic = "force-dynamic";

/** The owner's documents, newest first. */
export async function GET() {
  try {
    return Response.json({ documents: await listDocuments(currentOwnerId()) });
  } catch (error) {
    return errorResponse(error);
  }
}

/** Stores the uploaded files, creates their documents and enqueues their processing; answers at once. */
export async function POST(request: Request) {
  try {
    const ownerId = currentOwnerId();
    const files = await receiveRateLimitedUpload(ownerId, request);
    const created = await createDocuments(ownerId, files);
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
  } catch (error) {
    return errorResponse(error);
  }
}
