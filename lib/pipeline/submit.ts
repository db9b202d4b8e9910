/**
 * The one way documents enter the pipeline, for uploads and imports alike: create the rows,
 * enqueue each new document's chain, announce it.
 */
import type { Document } from "@/lib/generated/prisma/client";
import { createDocuments } from "@/lib/documents";
import { logger } from "@/lib/logger";
import { metrics } from "@/lib/metrics/registry";
import type { ReceivedFile } from "@/lib/upload";
import { enqueueDocument } from "./flow";
import { announce } from "./transitions";

export interface Submitted {
  document: Document;
  /** The owner already had this content: `document` is the existing one, and nothing was queued. */
  duplicate: boolean;
}

/**
 * Creates a document per stored file and starts its processing. The rows are committed first:
 * if Redis cannot take a chain now, that document stays queued in the database and the
 * reconciler enqueues it later, so a stored upload is never refused or lost.
 */
export async function submitDocuments(
  ownerId: string,
  files: ReceivedFile[],
  { priority, batchId }: { priority: number; batchId?: string },
): Promise<Submitted[]> {
  const created = await createDocuments(ownerId, files, batchId);
  for (const { document, duplicate } of created) {
    if (duplicate) continue;
    metrics().documents.inc({ status: "queued" });
    // Announced before it is enqueued: a worker that starts at once can never be followed by "queued".
    announce(document);
    await enqueueDocument(document.id, { priority }).catch((error: Error) =>
      logger.error("enqueue failed; left for the reconciler", { documentId: document.id, error: error.message }),
    );
  }
  return created;
}
