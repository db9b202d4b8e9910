/**
 * `npm run import -- <folder> [--user <email>]`: imports every supported file of a folder (and its
 * subfolders) into a user's library (the first administrator's when no user is named) as a bulk import, which runs after documents people upload in the browser, and shows the
 * batch's progress in the terminal until every document has finished.
 */
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { closeAll } from "@/lib/connections";
import { prisma } from "@/lib/db";
import { env } from "@/lib/env";
import { startMetricsReports } from "@/lib/metrics";
import { submitDocuments } from "@/lib/pipeline";
import { PRIORITY } from "@/lib/queues";
import { storeFile } from "@/lib/upload";

const BAR_WIDTH = 30;

async function* walk(folder: string): AsyncGenerator<string> {
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

function render(done: number, failed: number, total: number): string {
  const finished = done + failed;
  const filled = total === 0 ? BAR_WIDTH : Math.round((finished / total) * BAR_WIDTH);
  const bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
  return `[${bar}] ${finished} of ${total} finished (${done} done, ${failed} failed)`;
}

async function importFolder(folder: string, ownerId: string): Promise<number> {
  const ids: string[] = [];
  let skipped = 0;
  let duplicates = 0;
  for await (const file of walk(folder)) {
    const name = path.relative(folder, file);
    if ((await stat(file)).size > env.MAX_UPLOAD_BYTES) {
      console.log(`skipped ${name}: larger than the upload limit`);
      skipped += 1;
      continue;
    }
    const received = await storeFile(createReadStream(file), path.basename(file));
    if (!received) {
      console.log(`skipped ${name}: not a supported type`);
      skipped += 1;
      continue;
    }
    const [{ document, duplicate }] = await submitDocuments(ownerId, [received], { priority: PRIORITY.bulk });
    if (duplicate) {
      duplicates += 1;
      continue;
    }
    ids.push(document.id);
  }
  console.log(`queued ${ids.length} documents (${duplicates} already in the library, ${skipped} skipped)`);

  // Follow the batch until every document has finished.
  for (;;) {
    const counts = await prisma.document.groupBy({ by: ["status"], where: { id: { in: ids } }, _count: true });
    const count = (status: string) => counts.find((c) => c.status === status)?._count ?? 0;
    const done = count("done");
    const failed = count("failed") + count("cancelled");
    process.stdout.write(`\r${render(done, failed, ids.length)}`);
    if (done + failed >= ids.length) {
      process.stdout.write("\n");
      return failed;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The named user, or the first administrator. */
async function findOwner(email: string | undefined): Promise<string> {
  const user = email
    ? await prisma.user.findUnique({ where: { email: email.toLowerCase() } })
    : await prisma.user.findFirst({ where: { isAdmin: true }, orderBy: { createdAt: "asc" } });
  if (user) return user.id;
  console.error(email ? `no user ${email}` : "no account yet: create one first (open the app, or npm run user:create -- <email> --admin)");
  process.exit(2);
}

/** How long the import's metrics stay in the web process's sum after it ends: a few scrapes' worth. */
const METRICS_KEPT_AFTER_MS = 5 * 60_000;

async function main() {
  const { values, positionals } = parseArgs({ options: { user: { type: "string" } }, allowPositionals: true });
  const folder = positionals[0];
  if (positionals.length !== 1 || !(await stat(folder).catch(() => null))?.isDirectory()) {
    console.error("usage: npm run import -- <folder> [--user <email>]");
    process.exit(2);
  }
  startMetricsReports("import", { keepFinalMs: METRICS_KEPT_AFTER_MS });
  const failed = await importFolder(path.resolve(folder), await findOwner(values.user));
  await closeAll();
  process.exit(failed > 0 ? 1 : 0);
}

void main();
