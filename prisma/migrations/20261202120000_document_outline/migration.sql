-- The document's headings, found when its text is read: [{ "title", "level", "offset" }].
ALTER TABLE "Document" ADD COLUMN "outline" JSONB;
