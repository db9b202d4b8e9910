-- Similar documents people can trust: the vector index's sequence, explanations, near-duplicates
-- and the owner's library statistics (versioned).

-- Every change to the set of indexed vectors takes the next value, under the owner's advisory
-- lock, so a process's cached index catches up by reading what came after the last value it saw.
CREATE SEQUENCE "vector_seq";

-- AlterTable
ALTER TABLE "Document" ADD COLUMN "vectorSeq" BIGINT,
                       ADD COLUMN "keyTerms" JSONB,
                       ADD COLUMN "minhash" BYTEA;
CREATE INDEX "Document_ownerId_vectorSeq_idx" ON "Document"("ownerId", "vectorSeq");

-- AlterTable
ALTER TABLE "Similarity" ADD COLUMN "terms" TEXT[] NOT NULL DEFAULT '{}',
                         ADD COLUMN "nearDuplicate" BOOLEAN NOT NULL DEFAULT false;

-- A deleted indexed document leaves a tombstone with the next sequence value, so every cached
-- index drops it too.
CREATE TABLE "VectorTombstone" (
    "seq" BIGINT NOT NULL DEFAULT nextval('vector_seq'),
    "ownerId" TEXT NOT NULL,
    "documentId" UUID NOT NULL,
    "deletedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "VectorTombstone_pkey" PRIMARY KEY ("seq")
);
CREATE INDEX "VectorTombstone_ownerId_seq_idx" ON "VectorTombstone"("ownerId", "seq");

CREATE FUNCTION "document_vector_tombstone"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "VectorTombstone" ("ownerId", "documentId") VALUES (OLD."ownerId", OLD."id");
  RETURN OLD;
END $$;
CREATE TRIGGER "Document_vector_tombstone" AFTER DELETE ON "Document"
  FOR EACH ROW WHEN (OLD."vectorSeq" IS NOT NULL) EXECUTE FUNCTION "document_vector_tombstone"();

-- One version of an owner's library statistics: document frequencies, the learned projection of
-- the local embedding, and the progress of re-embedding the library under it.
CREATE TABLE "LibraryStatistics" (
    "ownerId" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "documents" INTEGER NOT NULL,
    "averageLength" DOUBLE PRECISION NOT NULL,
    "documentFrequency" BYTEA NOT NULL,
    "projectionBuckets" BYTEA NOT NULL,
    "projection" BYTEA NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reembedTotal" INTEGER NOT NULL DEFAULT 0,
    "reembedDone" INTEGER NOT NULL DEFAULT 0,
    "listsDone" INTEGER NOT NULL DEFAULT 0,
    "listsCursor" UUID,
    "finishedAt" TIMESTAMP(3),
    CONSTRAINT "LibraryStatistics_pkey" PRIMARY KEY ("ownerId", "version")
);

-- pgvector where the server has it (the docker-compose image): a column of its own, filled by
-- find-similar, with one partial HNSW index per embedding model made when the model first
-- appears (lib/similarity/index/pgvector.ts). Not in schema.prisma: it exists only there.
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
    CREATE EXTENSION IF NOT EXISTS vector;
    ALTER TABLE "Document" ADD COLUMN IF NOT EXISTS "embedding" vector;
  END IF;
END $$;
