/**
 * Hostile files made at run time: PDFs built object by object (some damaged on purpose, some
 * encrypted with qpdf), text in broken encodings, and zip archives that inflate far beyond their size.
 */
import { execFile } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { constants, deflateRawSync, deflateSync } from "node:zlib";

const run = promisify(execFile);

/** A PDF stream object's body; `compress` deflates it (FlateDecode). */
function stream(content: Buffer | string, dictionary = "", compress = false): Buffer {
  const raw = Buffer.isBuffer(content) ? content : Buffer.from(content, "latin1");
  const data = compress ? deflateSync(raw, { level: 9 }) : raw;
  const filter = compress ? " /Filter /FlateDecode" : "";
  return Buffer.concat([Buffer.from(`<< /Length ${data.length}${filter}${dictionary} >>\nstream\n`, "latin1"), data, Buffer.from("\nendstream", "latin1")]);
}

/** A PDF from its objects (1: catalog, 2: pages tree, the rest as given), with a correct xref table. */
export function buildPdf(objects: (string | Buffer)[], extraTrailer = ""): Buffer {
  const parts: Buffer[] = [Buffer.from("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  let length = parts[0].length;
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(length);
    const body = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, "latin1"), Buffer.isBuffer(object) ? object : Buffer.from(object, "latin1"), Buffer.from("\nendobj\n", "latin1")]);
    parts.push(body);
    length += body.length;
  });
  const xref = length;
  const table = offsets.map((offset) => `${String(offset).padStart(10, "0")} 00000 n \n`).join("");
  parts.push(
    Buffer.from(
      `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${table}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R${extraTrailer} >>\nstartxref\n${xref}\n%%EOF\n`,
      "latin1",
    ),
  );
  return Buffer.concat(parts);
}

const FONT = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>";

/** Escapes text for a PDF string literal. */
function pdfString(text: string): string {
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}

/** A PDF whose pages hold these texts, one page each (Helvetica, one line per sentence). */
export function textPdf(pages: string[], { compress = false } = {}): Buffer {
  // Objects: 1 catalog, 2 pages, 3 font, then per page a content stream and a page.
  const objects: (string | Buffer)[] = ["<< /Type /Catalog /Pages 2 0 R >>", "", FONT];
  const kids: number[] = [];
  for (const text of pages) {
    const lines = text.split(/(?<=\.)\s+/).map((line) => `(${pdfString(line)}) Tj T*`);
    objects.push(stream(["BT", "/F1 10 Tf", "12 TL", "40 800 Td", ...lines, "ET"].join("\n"), "", compress));
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${objects.length} 0 R >>`);
    kids.push(objects.length);
  }
  objects[1] = `<< /Type /Pages /Count ${kids.length} /Kids [${kids.map((id) => `${id} 0 R`).join(" ")}] >>`;
  return buildPdf(objects);
}

/** A PDF of `count` pages sharing one small content stream, plus a line naming the file on page one. */
export function manyPagesPdf(count: number, tag: string): Buffer {
  const objects: (string | Buffer)[] = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "",
    FONT,
    stream(`BT /F1 10 Tf 40 800 Td (Inventory ledger ${tag}. Each page lists the same shelf of garden tools.) Tj ET`),
    stream("BT /F1 10 Tf 40 800 Td (The shelf holds rakes, spades and watering cans for the orchard.) Tj ET"),
  ];
  const kids: number[] = [];
  for (let i = 0; i < count; i++) {
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${i === 0 ? 4 : 5} 0 R >>`);
    kids.push(objects.length);
  }
  objects[1] = `<< /Type /Pages /Count ${count} /Kids [${kids.map((id) => `${id} 0 R`).join(" ")}] >>`;
  return buildPdf(objects);
}

/** A one-page PDF that only draws an image: a scan without a text layer. */
export function imageOnlyPdf(): Buffer {
  const pixels = randomBytes(64 * 64 * 3);
  return buildPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 4 0 R >> >> /Contents 5 0 R >>",
    stream(pixels, " /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceRGB /BitsPerComponent 8", true),
    stream("q 500 0 0 700 40 60 cm /Im1 Do Q"),
  ]);
}

/** A one-page PDF whose compressed content stream shows `count` tiny strings: a few KB that parse into millions of text items. */
export function textItemBombPdf(count: number): Buffer {
  // Each string is drawn back over the last one, so every item stays on the page.
  const content = Buffer.from(`BT /F1 4 Tf 100 400 Td\n${"(ab) Tj -5 0 Td\n".repeat(count)}ET`, "latin1");
  return buildPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    FONT,
    stream(content, "", true),
  ]);
}

/**
 * zlib data that inflates to `bytes` zeros, in about a thousandth of that, made in milliseconds:
 * one deflated block of zeros repeated (a full flush makes each copy stand alone), then an empty
 * final block and the checksum (the Adler-32 of n zeros is (n mod 65521) << 16 | 1).
 */
export function zerosFlate(bytes: number): Buffer {
  const CHUNK = 16 * 2 ** 20;
  const flush = { level: 9, finishFlush: constants.Z_FULL_FLUSH };
  const block = deflateRawSync(Buffer.alloc(CHUNK), flush);
  const parts = [Buffer.from([0x78, 0xda]), ...Array<Buffer>(Math.floor(bytes / CHUNK)).fill(block)];
  if (bytes % CHUNK) parts.push(deflateRawSync(Buffer.alloc(bytes % CHUNK), flush));
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE((((bytes % 65521) << 16) | 1) >>> 0);
  return Buffer.concat([...parts, Buffer.from([0x03, 0x00]), checksum]);
}

/**
 * A one-page PDF whose only content stream (FlateDecode) inflates to `inflatedBytes` of zeros,
 * which PDF reads as blanks. `asArray`: the page lists it in an array of contents, which pdf.js
 * reads whole into one buffer instead of token by token.
 */
export function inflationBombPdf(inflatedBytes: number, { asArray = false } = {}): Buffer {
  return buildPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${asArray ? "[4 0 R]" : "4 0 R"} >>`,
    // Already deflated: the filter is named, not applied again.
    stream(zerosFlate(inflatedBytes), " /Filter /FlateDecode"),
  ]);
}

/** A one-page PDF whose page dictionary nests arrays `depth` deep. */
export function deeplyNestedPdf(depth: number): Buffer {
  return buildPdf([
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
    `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Nested ${"[".repeat(depth)}${"]".repeat(depth)} >>`,
  ]);
}

/** A PDF whose pages tree points back at itself. */
export function cyclicPagesPdf(): Buffer {
  return buildPdf(["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Count 3 /Kids [2 0 R 3 0 R] >>", "<< /Type /Pages /Parent 2 0 R /Count 2 /Kids [2 0 R] >>"]);
}

/** Runs qpdf on `input` with `args` (the input and output paths are added); returns the output. */
export async function qpdf(input: Buffer, args: string[]): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), "hostile-qpdf-"));
  try {
    const source = path.join(dir, "in.pdf");
    const target = path.join(dir, "out.pdf");
    await writeFile(source, input);
    // Exit code 3: done with warnings.
    await run("qpdf", [...args, source, target]).catch((error: { code?: number }) => {
      if (error.code !== 3) throw error;
    });
    return await readFile(target);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** An encrypted copy (AES-256); an empty user password opens it without asking. */
export function encryptPdf(pdf: Buffer, userPassword: string): Promise<Buffer> {
  return qpdf(pdf, ["--encrypt", userPassword, `owner-${randomUUID()}`, "256", "--"]);
}

/** A zip archive (stored as deflate); `declared` overrides the sizes written in the headers. */
export function zip(entries: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const compressed = deflateRawSync(data, { level: 9 });
    const nameBytes = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, compressed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

let crcTable: Int32Array | undefined;
function crc32(data: Buffer): number {
  crcTable ??= Int32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });
  let crc = -1;
  for (const byte of data) crc = crcTable[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}

/** A .docx-shaped zip whose document part inflates to `inflatedBytes` of zeros. */
export function zipBombDocx(inflatedBytes: number): Buffer {
  return zip([
    { name: "[Content_Types].xml", data: Buffer.from('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>') },
    { name: "word/document.xml", data: Buffer.alloc(inflatedBytes) },
  ]);
}

/** A small, well-formed Word document. */
export function smallDocx(text: string): Buffer {
  return zip([
    {
      name: "[Content_Types].xml",
      data: Buffer.from(
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
      ),
    },
    { name: "word/document.xml", data: Buffer.from(`<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${text}</w:t></w:r></w:p></w:body></w:document>`) },
  ]);
}

/** Random bytes that are not UTF-8 and hold no NUL byte and no known signature. */
export function binaryWithoutNul(length: number): Buffer {
  const bytes = randomBytes(length);
  for (let i = 0; i < bytes.length; i++) bytes[i] = 0x80 | (bytes[i] & 0x7f) || 0xff;
  return bytes;
}

/** The first bytes of an ELF executable, then random bytes. */
export function elfBinary(length: number): Buffer {
  return Buffer.concat([Buffer.from("7f454c46020101000000000000000000", "hex"), randomBytes(length)]);
}
