/**
 * The pipeline's public surface for servers, the worker and scripts. Browser code imports the
 * browser-safe parts directly: ./table (stages, queues, job kinds), ./statuses and ./ids.
 */
export * from "./table";
export * from "./statuses";
export { isId } from "./ids";
export { documentFlow, enqueueDocument, removeDocumentJobs, type FlowOptions } from "./flow";
export { submitDocuments, type Submitted } from "./submit";
export { enqueueTask } from "./tasks";
export { BULK_ACTIONS, bulkAction, cancelDocument, deleteDocument, purgeDocument, purgeExpiredTrash, reprocessDocument, restoreDocument, retryDocument, type BulkAction, type BulkOutcome } from "./actions";
export type { Failure } from "./rules";
export {
  announce,
  announceDeleted,
  completeStage,
  failDocument,
  progressReporter,
  requeueDocument,
  StaleDocumentError,
  startStage,
} from "./transitions";
