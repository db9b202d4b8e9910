import { defineConfig } from "prisma/config";

// The CLI reads the connection from here; the app connects through the pg adapter in lib/db.ts.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:54329/docsum" },
});
