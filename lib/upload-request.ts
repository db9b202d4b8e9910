/**
 * `POST /api/documents`: stores the uploaded files, creates their documents and enqueues their
 * processing, answering at once with `202 { batchId, documents, rejected }` (the request is one
 * batch: GET /api/batches/:id), each refused file named with the status it alone would have had
 * (413, 415); when every file was refused, the first one's status with `{ error, rejected }`.
 *
 * The web process's own HTTP server serves it before Next.js, handing it the Node request as the
 * body (no Web-stream round trip); the route file serves it for anything that reaches Next.js.
 * Either way it signs in, limits and answers errors as every route does.
 */
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";
import { requireUser, type RequestHead } from "./auth";
import { toUploaded } from "./documents";
import { env } from "./env";
import { errorResponse, rejectedFiles } from "./http";
import { addLogContext } from "./logger";
import { countUpload } from "./metrics/upload";
import { submitDocuments } from "./pipeline";
import { PRIORITY } from "./queues";
import { receiveRateLimitedUpload } from "./upload-rate-limit";

/** The path uploads are sent to. */
export const UPLOAD_PATH = "/api/documents";

/** Answers an upload request whose body is `body` (read once, by busboy). */
export async function handleUpload(request: RequestHead, body: Readable | null): Promise<Response> {
  try {
    const user = await requireUser(request);
    addLogContext({ ownerId: user.id });
    return await countUpload(async () => {
      const { files, refused } = await receiveRateLimitedUpload(user.id, request.headers.get("content-type"), body);
      // A person waiting for a few files goes before a large batch.
      const priority = files.length > env.BULK_UPLOAD_FILES ? PRIORITY.bulk : PRIORITY.interactive;
      const batchId = randomUUID();
      const submitted = await submitDocuments(user.id, files, { priority, batchId });
      return Response.json(
        { batchId, documents: submitted.map((s) => toUploaded(s.document, s.duplicate)), rejected: rejectedFiles(refused) },
        { status: 202 },
      );
    });
  } catch (error) {
    return errorResponse(error);
  }
}
