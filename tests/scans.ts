/**
 * Scans and photos made at test time: pages of a fixture PDF rendered by poppler's pdftoppm (as a
 * scanner would make them), wrapped as an image-only PDF by img2pdf, a PDF of text pages and
 * scanned pages by qpdf, and PNGs made by hand (noise, or a header that claims a huge size).
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { crc32, deflateSync } from "node:zlib";

const run = promisify(execFile);

async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), "docsum-scan-"));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Pages `first`..`last` of a PDF as PNG images at `dpi`, in page order. */
export function renderPages(pdfPath: string, first: number, last: number, dpi: number): Promise<Buffer[]> {
  return inTempDir(async (dir) => {
    await run("pdftoppm", ["-f", String(first), "-l", String(last), "-r", String(dpi), "-gray", "-png", pdfPath, path.join(dir, "page")]);
    const names = (await readdir(dir)).filter((name) => name.endsWith(".png")).sort();
    return Promise.all(names.map((name) => readFile(path.join(dir, name))));
  });
}

/** An image-only PDF of pages `first`..`last` of a PDF (what a scanner makes of the printed pages). */
export function scannedPdf(pdfPath: string, first: number, last: number, dpi: number): Promise<Buffer> {
  return inTempDir(async (dir) => {
    await run("pdftoppm", ["-f", String(first), "-l", String(last), "-r", String(dpi), "-gray", "-png", pdfPath, path.join(dir, "page")]);
    const images = (await readdir(dir)).filter((name) => name.endsWith(".png")).sort().map((name) => path.join(dir, name));
    const out = path.join(dir, "scan.pdf");
    await run("img2pdf", ["--output", out, ...images]);
    return readFile(out);
  });
}

/** A PDF whose page 1 is page `textPage` of `textPdf` (with its text) and whose page 2 is a scan of page `scanPage` of `scanPdf`. */
export function mixedPdf(textPdf: string, textPage: number, scanPdfPath: string, scanPage: number, dpi: number): Promise<Buffer> {
  return inTempDir(async (dir) => {
    const scan = path.join(dir, "scan.pdf");
    await writeFile(scan, await scannedPdf(scanPdfPath, scanPage, scanPage, dpi));
    const out = path.join(dir, "mixed.pdf");
    await run("qpdf", ["--empty", "--pages", textPdf, String(textPage), scan, "1", "--", out]);
    return readFile(out);
  });
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([Buffer.from("89504e470d0a1a0a", "hex"), pngChunk("IHDR", ihdr)]);
}

/** A greyscale PNG of random pixels: nothing in it is text. */
export function noisePng(width: number, height: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) rows.push(Buffer.concat([Buffer.from([0]), randomBytes(width)]));
  return Buffer.concat([pngHeader(width, height), pngChunk("IDAT", deflateSync(Buffer.concat(rows))), pngChunk("IEND", Buffer.alloc(0))]);
}

/** A PNG whose header says `width` × `height` pixels, with a few rows of data only (never meant to be decoded). */
export function hugePngHeader(width: number, height: number): Buffer {
  const row = Buffer.alloc(1 + width);
  return Buffer.concat([pngHeader(width, height), pngChunk("IDAT", deflateSync(Buffer.concat([row, row]))), pngChunk("IEND", Buffer.alloc(0))]);
}
