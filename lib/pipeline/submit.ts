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

/** Documents created from stored files, and the start of their processing. */
export interface Submission {
  submitted: Submitted[];
  /** Announces and enqueues each new document; never fails (a chain Redis cannot take now is left for the reconciler). */
  start(): Promise<void>;
}

/**
 * Creates a document per stored file; their processing begins with `start`, which an upload runs
 * once it has answered. The rows are committed first: if Redis cannot take a chain then, that
 * document stays queued in the database and the reconciler enqueues it later, so a stored upload
 * is never refused or lost.
 */
export async function createSubmission(
  ownerId: string,
  files: ReceivedFile[],
  { priority, batchId }: { priority: number; batchId?: string },
): Promise<Submission> {
  const submitted = await createDocuments(ownerId, files, batchId);
  const start = async () => {
    for (const { document, duplicate } of submitted) {
      if (duplicate) continue;
      metrics().documents.inc({ status: "queued" });
      // Announced before it is enqueued: a worker that starts at once can never be followed by "queued".
      announce(document);
      await enqueueDocument(document.id, { priority }).catch((error: Error) =>
        logger.error("enqueue failed; left for the reconciler", { documentId: document.id, error: error.message }),
      );
    }
  };
  return { submitted, start };
}

/** Creates a document per stored file and starts its processing at once. */
export async function submitDocuments(ownerId: string, files: ReceivedFile[], options: { priority: number; batchId?: string }): Promise<Submitted[]> {
  const { submitted, start } = await createSubmission(ownerId, files, options);
  await start();
  return submitted;
}
