-- An administrator can disable an account; API tokens can expire.
ALTER TABLE "User" ADD COLUMN "disabledAt" TIMESTAMP(3);
ALTER TABLE "ApiToken" ADD COLUMN "expiresAt" TIMESTAMP(3);
