-- Questions asked of documents, and their answers (lib/questions/).
CREATE TYPE "QuestionStatus" AS ENUM ('queued', 'answering', 'done', 'failed', 'cancelled');

CREATE TABLE "Question" (
    "id" UUID NOT NULL,
    "ownerId" TEXT NOT NULL,
    "documentIds" UUID[],
    "text" TEXT NOT NULL,
    "status" "QuestionStatus" NOT NULL DEFAULT 'queued',
    "answer" TEXT NOT NULL DEFAULT '',
    "citations" JSONB NOT NULL DEFAULT '[]',
    "extract" BOOLEAN NOT NULL DEFAULT false,
    "error" TEXT,
    "errorCode" TEXT,
    "provider" TEXT,
    "model" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "firstTextAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Question_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "Question_ownerId_createdAt_id_idx" ON "Question"("ownerId", "createdAt", "id");
CREATE INDEX "Question_documentIds_idx" ON "Question" USING GIN ("documentIds");
