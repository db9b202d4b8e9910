-- A title the owner set survives reading the document again (titles otherwise come from the document).
ALTER TABLE "Document" ADD COLUMN "titleSetByOwner" BOOLEAN NOT NULL DEFAULT false;
