-- A statement that inserts or deletes many documents (an upload of many files is one insert; a
-- large library deleted by SQL, as the benchmark does, is one delete) counted them a row at a
-- time, each row updating the same counter row: every update walks the versions of that row the
-- statement has already made, so a statement of n documents cost about n²/2 (deleting a million
-- documents in one statement had not ended after 35 minutes). Inserts and deletes are now counted
-- once per statement, from its transition table; an update (mostly one document's status) stays
-- counted per row.
CREATE FUNCTION docsum_count_inserted_documents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "DocumentCount" ("ownerId", "status", "mimeType", "n")
  SELECT "ownerId", "status", "mimeType", count(*)::int FROM inserted GROUP BY 1, 2, 3
  ON CONFLICT ("ownerId", "status", "mimeType") DO UPDATE SET "n" = "DocumentCount"."n" + EXCLUDED."n";
  RETURN NULL;
END $$;

CREATE FUNCTION docsum_count_deleted_documents() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "DocumentCount" c SET "n" = c."n" - d."n"
  FROM (SELECT "ownerId", "status", "mimeType", count(*)::int AS "n" FROM deleted GROUP BY 1, 2, 3) d
  WHERE c."ownerId" = d."ownerId" AND c."status" = d."status" AND c."mimeType" = d."mimeType";
  RETURN NULL;
END $$;

DROP TRIGGER "Document_count_insert_delete" ON "Document";
CREATE TRIGGER "Document_count_insert" AFTER INSERT ON "Document"
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION docsum_count_inserted_documents();
CREATE TRIGGER "Document_count_delete" AFTER DELETE ON "Document"
  REFERENCING OLD TABLE AS deleted FOR EACH STATEMENT EXECUTE FUNCTION docsum_count_deleted_documents();
