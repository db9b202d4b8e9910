-- A storage quota an administrator set for one person (bytes); null: the installation's default.
ALTER TABLE "User" ADD COLUMN "storageQuotaBytes" BIGINT;
