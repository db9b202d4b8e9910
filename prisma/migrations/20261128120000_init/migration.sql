-- CreateEnum
CREATE TYPE "DocumentStatus" AS ENUM ('queued', 'processing', 'done', 'failed', 'cancelled');

-- CreateEnum
CREATE TYPE "Stage" AS ENUM ('extract', 'summarize', 'embed', 'similar');

-- CreateTable
CREATE TABLE "Document" (
    "id" UUID NOT NULL,
    "ownerId" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "filename" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "status" "DocumentStatus" NOT NULL DEFAULT 'queued',
    "stage" "Stage" NOT NULL DEFAULT 'extract',
    "progress" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "pages" INTEGER,
    "text" TEXT,
    "summary" TEXT,
    "provider" TEXT,
    "summaryModel" TEXT,
    "embeddingModel" TEXT,
    "embedding" DOUBLE PRECISION[],
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Document_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Similarity" (
    "documentId" UUID NOT NULL,
    "similarId" UUID NOT NULL,
    "score" DOUBLE PRECISION NOT NULL,
    "rank" INTEGER NOT NULL,

    CONSTRAINT "Similarity_pkey" PRIMARY KEY ("documentId","similarId")
);

-- CreateIndex
CREATE INDEX "Document_ownerId_createdAt_idx" ON "Document"("ownerId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Document_ownerId_sha256_key" ON "Document"("ownerId", "sha256");

-- CreateIndex
CREATE INDEX "Similarity_similarId_idx" ON "Similarity"("similarId");

-- AddForeignKey
ALTER TABLE "Similarity" ADD CONSTRAINT "Similarity_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Similarity" ADD CONSTRAINT "Similarity_similarId_fkey" FOREIGN KEY ("similarId") REFERENCES "Document"("id") ON DELETE CASCADE ON UPDATE CASCADE;
