-- CreateTable
CREATE TABLE "StageRun" (
    "id" UUID NOT NULL,
    "documentId" UUID NOT NULL,
    "stage" "Stage" NOT NULL,
    "attempt" INTEGER NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "outcome" TEXT,
    "error" TEXT,

    CONSTRAINT "StageRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "StageRun_documentId_startedAt_idx" ON "StageRun"("documentId", "startedAt");

-- AddForeignKey
ALTER TABLE "StageRun" ADD CONSTRAINT "StageRun_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE CASCADE ON UPDATE CASCADE;
