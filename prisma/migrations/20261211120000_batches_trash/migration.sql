-- Batches people can follow: the upload request a document came in with.
ALTER TABLE "Document" ADD COLUMN "batchId" UUID;
CREATE INDEX "Document_ownerId_batchId_idx" ON "Document"("ownerId", "batchId");

-- The trash: a deleted document's rows as they were, restored as they were; its file stays until purged.
CREATE TABLE "TrashedDocument" (
    "id" UUID NOT NULL,
    "ownerId" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "status" "DocumentStatus" NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "deletedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "document" JSONB NOT NULL,
    "similarities" JSONB NOT NULL,
    "chunks" JSONB NOT NULL,
    "stageRuns" JSONB NOT NULL,
    CONSTRAINT "TrashedDocument_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "TrashedDocument_ownerId_deletedAt_id_idx" ON "TrashedDocument"("ownerId", "deletedAt", "id");
CREATE INDEX "TrashedDocument_deletedAt_idx" ON "TrashedDocument"("deletedAt");
CREATE INDEX "TrashedDocument_storageKey_idx" ON "TrashedDocument"("storageKey");
