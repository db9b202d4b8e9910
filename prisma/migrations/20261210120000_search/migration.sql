-- Find anything: passages of every document's text, and full-text search vectors kept by
-- triggers for documents (title A, summary B, text C) and passages, with GIN indexes. The app
-- only sets a document's "searchLanguage" (a text search configuration such as 'english'); the
-- triggers do the rest. A trigger never fails the statement that writes a document: a text past
-- what one tsvector holds (1 MB) leaves the document's vector with its title and summary, and
-- the passages carry the text.

-- AlterTable
ALTER TABLE "Document" ADD COLUMN "searchLanguage" TEXT,
                       ADD COLUMN "searchVector" tsvector,
                       ADD COLUMN "searchPartial" BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX "Document_searchVector_idx" ON "Document" USING gin ("searchVector");
-- The few documents whose text is searched through their passages.
CREATE INDEX "Document_ownerId_searchPartial_idx" ON "Document"("ownerId") WHERE "searchPartial";

-- CreateTable
CREATE TABLE "Chunk" (
    "documentId" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "ownerId" TEXT NOT NULL,
    "start" INTEGER NOT NULL,
    "end" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "tokens" INTEGER NOT NULL,
    "vector" BYTEA,
    "searchVector" tsvector,
    CONSTRAINT "Chunk_pkey" PRIMARY KEY ("documentId", "index")
);
ALTER TABLE "Chunk" ADD CONSTRAINT "Chunk_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document"("id") ON DELETE CASCADE ON UPDATE CASCADE;
CREATE INDEX "Chunk_searchVector_idx" ON "Chunk" USING gin ("searchVector");

-- CreateTable
CREATE TABLE "SearchIndexing" (
    "ownerId" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    CONSTRAINT "SearchIndexing_pkey" PRIMARY KEY ("ownerId")
);

-- The configuration named by a document's "searchLanguage"; 'simple' when it names none.
CREATE FUNCTION "search_config"(name TEXT) RETURNS regconfig LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN coalesce(name, 'simple')::regconfig;
EXCEPTION WHEN OTHERS THEN
  RETURN 'simple'::regconfig;
END $$;

-- A document's search vector, made again when its title, summary, text or language changes.
CREATE FUNCTION "document_search_vector"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  config regconfig;
  head tsvector;
BEGIN
  IF TG_OP = 'UPDATE' AND NEW."title" IS NOT DISTINCT FROM OLD."title" AND NEW."summary" IS NOT DISTINCT FROM OLD."summary"
     AND NEW."text" IS NOT DISTINCT FROM OLD."text" AND NEW."searchLanguage" IS NOT DISTINCT FROM OLD."searchLanguage" THEN
    RETURN NEW;
  END IF;
  IF NEW."searchLanguage" IS NULL THEN
    NEW."searchVector" := NULL;
    NEW."searchPartial" := false;
    RETURN NEW;
  END IF;
  config := "search_config"(NEW."searchLanguage");
  BEGIN
    head := setweight(to_tsvector(config, coalesce(NEW."title", '')), 'A') || setweight(to_tsvector(config, coalesce(NEW."summary", '')), 'B');
  EXCEPTION WHEN OTHERS THEN
    head := NULL;
  END;
  BEGIN
    NEW."searchVector" := head || setweight(to_tsvector(config, coalesce(NEW."text", '')), 'C');
    NEW."searchPartial" := false;
  EXCEPTION WHEN OTHERS THEN
    -- Past the tsvector limit (or any other failure): the passages carry the text.
    NEW."searchVector" := head;
    NEW."searchPartial" := true;
  END;
  RETURN NEW;
END $$;
CREATE TRIGGER "Document_search_vector" BEFORE INSERT OR UPDATE OF "title", "summary", "text", "searchLanguage" ON "Document"
  FOR EACH ROW EXECUTE FUNCTION "document_search_vector"();

-- A new search language re-makes the document's passages' vectors too.
CREATE FUNCTION "document_search_language"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    UPDATE "Chunk" SET "searchVector" = to_tsvector("search_config"(NEW."searchLanguage"), "text") WHERE "documentId" = NEW."id";
  EXCEPTION WHEN OTHERS THEN
    UPDATE "Chunk" SET "searchVector" = NULL WHERE "documentId" = NEW."id";
  END;
  RETURN NULL;
END $$;
CREATE TRIGGER "Document_search_language" AFTER UPDATE OF "searchLanguage" ON "Document"
  FOR EACH ROW WHEN (NEW."searchLanguage" IS DISTINCT FROM OLD."searchLanguage") EXECUTE FUNCTION "document_search_language"();

-- A passage's search vector, in its document's language.
CREATE FUNCTION "chunk_search_vector"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    NEW."searchVector" := to_tsvector("search_config"((SELECT "searchLanguage" FROM "Document" WHERE "id" = NEW."documentId")), NEW."text");
  EXCEPTION WHEN OTHERS THEN
    NEW."searchVector" := NULL;
  END;
  RETURN NEW;
END $$;
CREATE TRIGGER "Chunk_search_vector" BEFORE INSERT OR UPDATE OF "text" ON "Chunk"
  FOR EACH ROW EXECUTE FUNCTION "chunk_search_vector"();
