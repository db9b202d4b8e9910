/**
 * Library paging at scale: p50 and p95 of the first page and of the 2,000th page (reached by
 * following cursors) of `listLibrary`, the function behind GET /api/documents, with 100,000
 * synthetic documents of one owner in the real Document table, for each sort and with a status
 * filter. Baseline: the first page of the same query (the 2,000th page should cost what the first
 * costs); for contrast, the same deep page read with OFFSET.
 */
import { randomBytes } from "node:crypto";
import { log, QUICK, result, runFigure, type FigureResult } from "./lib/figure";
import { query } from "./lib/documents";
import { BENCH_DATABASE_URL } from "./lib/stack";
import { median, quantile, since } from "./lib/stats";

const SIZE = QUICK ? 20_000 : 100_000;
const DEEP_PAGE = QUICK ? 300 : 2_000;
const PAGE = 50;
const RUNS = QUICK ? 20 : 50;
const OWNER = `bench-library-${randomBytes(3).toString("hex")}`;

// The app's modules read DATABASE_URL when first imported.
process.env.DATABASE_URL = BENCH_DATABASE_URL;
const { prisma } = await import("@/lib/db");
const { listLibrary } = await import("@/lib/library");
const { listQuerySchema, TRASH_STATUS } = await import("@/lib/library-query");

/** Synthetic documents with realistic spreads: titles from a few hundred words, sizes, times, 90 % done. */
async function insertDocuments(): Promise<void> {
  for (let start = 0; start < SIZE; start += 20_000) {
    await query(
      `INSERT INTO "Document" (id, "ownerId", title, filename, "mimeType", size, sha256, "storageKey", status, stage, progress, "createdAt", "updatedAt")
       SELECT gen_random_uuid(), $1, 'Report ' || (i * 7919 % 997) || ' ' || md5(i::text), 'report-' || i || '.pdf',
              (ARRAY['application/pdf', 'text/plain', 'text/markdown', 'text/html'])[1 + i % 4], 1000 + (i::bigint * 104729 % 5000000)::int, md5($1 || i),
              'synthetic-' || i,
              (CASE WHEN i % 20 = 0 THEN 'failed' WHEN i % 20 = 1 THEN 'queued' ELSE 'done' END)::"DocumentStatus", 'similar', 100,
              timestamp '2026-01-01' + (i * interval '7 seconds'), now()
       FROM generate_series($2::int, $3::int) AS i`,
      [OWNER, start, Math.min(start + 20_000, SIZE) - 1],
    );
  }
  // As autovacuum leaves a real library: statistics and the visibility map up to date.
  await query(`VACUUM ANALYZE "Document"`);
}

/** ms of `runs` calls of `read`, after one warm-up. */
async function time(read: () => Promise<unknown>, runs = RUNS): Promise<number[]> {
  await read();
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await read();
    samples.push(since(start));
  }
  return samples;
}

async function measure(label: string, params: Record<string, string>): Promise<FigureResult[]> {
  const { status, ...query } = listQuerySchema.parse({ ...params, limit: String(PAGE) });
  if (status === TRASH_STATUS) throw new Error("the library bench reads documents, not the trash");
  const parsed = { ...query, status };
  const first = await time(() => listLibrary(OWNER, parsed));
  // Follow cursors to the deep page (or the last page, when the filter leaves fewer).
  let cursor: string | null = null;
  let page = 1;
  let total = 0;
  const walkStart = performance.now();
  for (; page < DEEP_PAGE; page++) {
    const answer = await listLibrary(OWNER, { ...parsed, cursor: cursor ?? undefined });
    total = answer.total;
    if (!answer.nextCursor) break;
    cursor = answer.nextCursor;
  }
  const walkMs = since(walkStart);
  const deepCursor = cursor ?? undefined;
  const deep = await time(() => listLibrary(OWNER, { ...parsed, cursor: deepCursor }));
  const p95 = quantile(deep, 0.95);
  const firstP95 = quantile(first, 0.95);
  log(`library: ${label}: page 1 p95 ${firstP95.toFixed(1)} ms, page ${page + 1} p95 ${p95.toFixed(1)} ms (walk ${(walkMs / 1000).toFixed(1)} s)`);
  const baseline = `the first page of the same query (${label})`;
  return [
    result({
      name: `library page ${page + 1} p95, ${label}, ${SIZE / 1000}k docs`,
      value: p95,
      unit: "ms",
      baseline,
      baselineValue: firstP95,
      runs: deep,
      goal: "any page < 20 ms at 100k; deep page ≤ 1.5× the first",
      met: p95 < 20 && firstP95 < 20 && p95 / firstP95 <= 1.5,
      details: { page: page + 1, matching: total, firstPageP50: median(first), firstPageP95: firstP95, deepPageP50: median(deep), walkSeconds: walkMs / 1000 },
    }),
  ];
}

/** The same deep page by OFFSET, for contrast (what keyset paging avoids). */
async function offsetContrast(): Promise<FigureResult> {
  const offset = (DEEP_PAGE - 1) * PAGE;
  const read = (skip: number) =>
    prisma.document.findMany({ where: { ownerId: OWNER }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], skip, take: PAGE, omit: { text: true, vector: true } });
  const deep = await time(() => read(offset));
  const first = await time(() => read(0));
  return result({
    name: `library page ${DEEP_PAGE} by OFFSET p95, newest, ${SIZE / 1000}k docs`,
    value: quantile(deep, 0.95),
    unit: "ms",
    baseline: "the first page by OFFSET",
    baselineValue: quantile(first, 0.95),
    runs: deep,
    details: { note: "for contrast only: the app pages by cursor" },
  });
}

runFigure(async () => {
  await query(`DELETE FROM "Document" WHERE "ownerId" LIKE 'bench-library-%'`);
  try {
    const start = performance.now();
    await insertDocuments();
    log(`library: ${SIZE} documents stored (${(since(start) / 1000).toFixed(1)} s)`);
    const results: FigureResult[] = [];
    for (const sort of ["newest", "oldest", "title", "size"]) results.push(...(await measure(`sort=${sort}`, { sort })));
    results.push(...(await measure("status=done, newest", { status: "done" })));
    results.push(...(await measure("status=failed, title", { status: "failed", sort: "title" })));
    results.push(await offsetContrast());
    return results;
  } finally {
    await query(`DELETE FROM "Document" WHERE "ownerId" = $1`, [OWNER]);
    await prisma.$disconnect();
  }
});
