/**
 * Figure 2's baseline, run as its own process: the same files through pdf-parse text extraction
 * alone (no queue, no database), `BENCH_CONCURRENCY` at a time like the worker's ingest queue,
 * after a warm-up over the first `BENCH_WARMUP_FILES` distinct files (default all). Reads at most
 * `BENCH_MAX_PAGES` pages per file when set (figure 5 uses it like the app's MAX_PDF_PAGES).
 * Reads the file list (JSON array of paths) from argv[2]; times `BENCH_PASSES` passes over it (default 1)
 * and prints `{ passes: [ms, ...], documents, pages, peakRssBytes }`.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { PDFParse } from "pdf-parse";

async function extract(path: string): Promise<number> {
  const parser = new PDFParse({ data: new Uint8Array(await readFile(path)) });
  try {
    return (await parser.getText(maxPages ? { first: 1, last: maxPages } : {})).total;
  } finally {
    await parser.destroy();
  }
}

async function extractAll(paths: string[], concurrency: number): Promise<number> {
  let next = 0;
  let pages = 0;
  const lane = async () => {
    while (next < paths.length) pages += await extract(paths[next++]);
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  return pages;
}

const maxPages = Number(process.env.BENCH_MAX_PAGES ?? 0);
const paths = JSON.parse(readFileSync(process.argv[2], "utf8")) as string[];
const concurrency = Number(process.env.BENCH_CONCURRENCY ?? 1);
// Warm up on the distinct files, like the pipeline's warm-up batch.
await extractAll([...new Set(paths)].slice(0, Number(process.env.BENCH_WARMUP_FILES ?? Infinity)), concurrency);
const passes: number[] = [];
let pages = 0;
for (let pass = 0; pass < Number(process.env.BENCH_PASSES ?? 1); pass++) {
  const start = performance.now();
  pages = await extractAll(paths, concurrency);
  passes.push(performance.now() - start);
}
console.log(JSON.stringify({ passes, documents: paths.length, pages, peakRssBytes: process.resourceUsage().maxRSS * 1024 }));
