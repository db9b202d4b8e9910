-- How many documents each owner has in each status and type, kept by triggers, so that the
-- library's `total` costs a few rows, not a count over the whole library.
CREATE TABLE "DocumentCount" (
  "ownerId" TEXT NOT NULL,
  "status" "DocumentStatus" NOT NULL,
  "mimeType" TEXT NOT NULL,
  "n" INTEGER NOT NULL DEFAULT 0,
  CONSTRAINT "DocumentCount_pkey" PRIMARY KEY ("ownerId", "status", "mimeType")
);

CREATE FUNCTION docsum_count_documents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE "DocumentCount" SET "n" = "n" - 1
    WHERE "ownerId" = OLD."ownerId" AND "status" = OLD."status" AND "mimeType" = OLD."mimeType";
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO "DocumentCount" ("ownerId", "status", "mimeType", "n") VALUES (NEW."ownerId", NEW."status", NEW."mimeType", 1)
    ON CONFLICT ("ownerId", "status", "mimeType") DO UPDATE SET "n" = "DocumentCount"."n" + 1;
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION docsum_reset_document_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE "DocumentCount";
  RETURN NULL;
END $$;

CREATE TRIGGER "Document_count_insert_delete" AFTER INSERT OR DELETE ON "Document"
  FOR EACH ROW EXECUTE FUNCTION docsum_count_documents();
CREATE TRIGGER "Document_count_update" AFTER UPDATE OF "ownerId", "status", "mimeType" ON "Document"
  FOR EACH ROW
  WHEN (OLD."ownerId" IS DISTINCT FROM NEW."ownerId" OR OLD."status" IS DISTINCT FROM NEW."status" OR OLD."mimeType" IS DISTINCT FROM NEW."mimeType")
  EXECUTE FUNCTION docsum_count_documents();
CREATE TRIGGER "Document_count_truncate" AFTER TRUNCATE ON "Document"
  FOR EACH STATEMENT EXECUTE FUNCTION docsum_reset_document_counts();

INSERT INTO "DocumentCount" ("ownerId", "status", "mimeType", "n")
SELECT "ownerId", "status", "mimeType", count(*)::int FROM "Document" GROUP BY 1, 2, 3;
