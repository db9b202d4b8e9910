-- One index per sort of the library list (keyset pages: the sort key, then the id), and one for
-- the newest-first list filtered by status.
DROP INDEX IF EXISTS "Document_ownerId_createdAt_idx";
CREATE INDEX "Document_ownerId_createdAt_id_idx" ON "Document"("ownerId", "createdAt", "id");
CREATE INDEX "Document_ownerId_title_id_idx" ON "Document"("ownerId", "title", "id");
CREATE INDEX "Document_ownerId_size_id_idx" ON "Document"("ownerId", "size", "id");
CREATE INDEX "Document_ownerId_status_createdAt_id_idx" ON "Document"("ownerId", "status", "createdAt", "id");
