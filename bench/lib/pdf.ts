/**
 * Generated PDFs of any size: pages of plain English-like text set in Helvetica, streamed to a
 * file object by object (never whole in memory), with a correct cross-reference table.
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";

const WORDS = `time system document process worker queue summary stage upload page text vector report memory request
server client stream budget result figure sample median latency progress number letter island garden river
mountain history science language music picture window morning evening market village station engine signal
library answer question reason method measure pattern record account balance border bridge camera castle
chapter circle climate company country courage crystal culture danger decade desert detail dinner doctor
energy estate family farmer feature finger flower forest fortune friend future galaxy gentle harbor harvest
health hunter income insect island journey justice kingdom kitchen ladder leader legend liberty machine
manner meadow mirror moment nation nature needle office orange painter parent people planet pocket poetry
powder prison public rabbit reader school season shadow silver singer sister soldier spirit spring square
summer switch teacher temple theory thread ticket tower travel valley victory volume weather winter wonder`
  .split(/\s+/)
  .filter(Boolean);

/** A small seeded pseudo-random generator (mulberry32), so generated files are reproducible. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Lines of about `width` characters made of sentences of 8 to 20 words. */
function textLines(next: () => number, count: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  let left = 0;
  while (lines.length < count) {
    if (left === 0) left = 8 + Math.floor(next() * 13);
    let word = WORDS[Math.floor(next() * WORDS.length)];
    if (line === "" && lines.length === 0) word = word[0].toUpperCase() + word.slice(1);
    left -= 1;
    const piece = left === 0 ? `${word}.` : word;
    line = line ? `${line} ${piece}` : piece;
    if (left === 0) {
      const after = WORDS[Math.floor(next() * WORDS.length)];
      line += ` ${after[0].toUpperCase()}${after.slice(1)}`;
      left = 7 + Math.floor(next() * 13);
    }
    if (line.length >= width) {
      lines.push(line);
      line = "";
    }
  }
  return lines;
}

function pageContent(lines: string[]): string {
  return ["BT", "/F1 9 Tf", "11 TL", "40 800 Td", ...lines.map((line) => `(${line}) Tj T*`), "ET", ""].join("\n");
}

export interface PdfOptions {
  /** Stop adding pages once the file has at least this many bytes. */
  targetBytes: number;
  linesPerPage?: number;
  seed?: number;
}

/** Writes a valid text PDF of at least `targetBytes`; returns its size and page count. */
export async function writeTextPdf(file: string, { targetBytes, linesPerPage = 60, seed = 1 }: PdfOptions): Promise<{ bytes: number; pages: number }> {
  const out = createWriteStream(file);
  const next = random(seed);
  const offsets: number[] = [];
  let position = 0;
  const write = async (text: string) => {
    position += Buffer.byteLength(text, "latin1");
    if (!out.write(text, "latin1")) await once(out, "drain");
  };
  const object = async (number: number, body: string) => {
    offsets[number] = position;
    await write(`${number} 0 obj\n${body}\nendobj\n`);
  };

  // Objects 1 (catalog) and 2 (page tree) come last, once every page is known.
  await write("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
  await object(3, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  const pageIds: number[] = [];
  for (let number = 4; position < targetBytes; number += 2) {
    const content = pageContent(textLines(next, linesPerPage, 80));
    await object(number, `<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}endstream`);
    await object(number + 1, `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${number} 0 R >>`);
    pageIds.push(number + 1);
  }
  await object(2, `<< /Type /Pages /Count ${pageIds.length} /Kids [${pageIds.map((id) => `${id} 0 R`).join(" ")}] >>`);
  await object(1, "<< /Type /Catalog /Pages 2 0 R >>");

  const xref = position;
  const entries = offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n\r\n`);
  entries[0] = "0000000000 65535 f\r\n";
  await write(`xref\n0 ${offsets.length}\n${Array.from(entries, (e) => e ?? "0000000000 65535 f\r\n").join("")}`);
  await write(`trailer\n<< /Size ${offsets.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  out.end();
  await once(out, "finish");
  return { bytes: position, pages: pageIds.length };
}

/** The same PDF with a trailing comment, so each copy has its own sha256 (the app refuses duplicates). */
export function uniqueCopy(pdf: Uint8Array, tag: string): Uint8Array {
  return Buffer.concat([pdf, Buffer.from(`%bench-copy ${tag}\n`, "latin1")]);
}
