-- Files kept in PostgreSQL (STORAGE_DRIVER=postgres): one row per storage key, its bytes in 1 MiB chunks.
CREATE TABLE "StoredFile" (
    "key" TEXT NOT NULL,
    "parentKey" TEXT,
    "size" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StoredFile_pkey" PRIMARY KEY ("key")
);

CREATE TABLE "StoredFileChunk" (
    "key" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "StoredFileChunk_pkey" PRIMARY KEY ("key","seq")
);

CREATE INDEX "StoredFile_parentKey_idx" ON "StoredFile"("parentKey");

CREATE INDEX "StoredFile_createdAt_idx" ON "StoredFile"("createdAt");

ALTER TABLE "StoredFileChunk" ADD CONSTRAINT "StoredFileChunk_key_fkey" FOREIGN KEY ("key") REFERENCES "StoredFile"("key") ON DELETE CASCADE ON UPDATE CASCADE;

-- Uploaded files are mostly compressed already (PDF streams): store chunks as they are, not compressed again.
ALTER TABLE "StoredFileChunk" ALTER COLUMN "data" SET STORAGE EXTERNAL;
