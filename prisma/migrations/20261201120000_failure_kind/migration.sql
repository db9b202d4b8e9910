-- A failed document says what kind of failure it was and whether trying again may help.
ALTER TABLE "Document" ADD COLUMN "errorCode" TEXT;
ALTER TABLE "Document" ADD COLUMN "errorRetryable" BOOLEAN;

-- A stage run's text is a failure's detail or, on success, a note for the owner.
ALTER TABLE "StageRun" RENAME COLUMN "error" TO "message";
