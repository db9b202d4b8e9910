/** The process's one Prisma client, connected through the pg driver adapter (no native engine). */
import { PrismaPg } from "@prisma/adapter-pg";
import { closeOnExit } from "./connections";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

function createClient(): PrismaClient {
  const adapter = new PrismaPg({ connectionString: env.DATABASE_URL, max: 10 });
  const client = new PrismaClient({ adapter });
  closeOnExit("database", () => client.$disconnect());
  return client;
}

// Cached on globalThis: Next.js may load this module more than once in one process.
export const prisma: PrismaClient = globalForPrisma.prisma ?? createClient();
globalForPrisma.prisma = prisma;
