/**
 * An image's size in pixels, read from its header (PNG, JPEG, TIFF, WebP) without decoding it,
 * so that an image too large to decode within memory is refused before anything decodes it.
 */

export interface ImageSize {
  width: number;
  height: number;
}

/** The image's size from its header; null when the header cannot be read. For a multi-page TIFF, its largest page. */
export function imageSize(bytes: Uint8Array, mimeType: string): ImageSize | null {
  const data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    switch (mimeType) {
      case "image/png":
        return data.length >= 24 ? { width: data.readUInt32BE(16), height: data.readUInt32BE(20) } : null;
      case "image/jpeg":
        return jpegSize(data);
      case "image/webp":
        return webpSize(data);
      case "image/tiff":
        return tiffSize(data);
      default:
        return null;
    }
  } catch {
    return null;
  }
}

/** The frame header (SOFn) of a JPEG: height, then width. */
function jpegSize(data: Buffer): ImageSize | null {
  let offset = 2;
  while (offset + 9 < data.length) {
    if (data[offset] !== 0xff) return null;
    const marker = data[offset + 1];
    if (marker === 0xff) {
      offset += 1;
      continue;
    }
    const length = data.readUInt16BE(offset + 2);
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return { height: data.readUInt16BE(offset + 5), width: data.readUInt16BE(offset + 7) };
    offset += 2 + length;
  }
  return null;
}

/** The size a WebP's first chunk gives: lossy (VP8), lossless (VP8L) or extended (VP8X). */
function webpSize(data: Buffer): ImageSize | null {
  const chunk = data.toString("latin1", 12, 16);
  if (chunk === "VP8X") return { width: 1 + data.readUIntLE(24, 3), height: 1 + data.readUIntLE(27, 3) };
  if (chunk === "VP8L") {
    const bits = data.readUInt32LE(21);
    return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
  }
  if (chunk === "VP8 ") return { width: data.readUInt16LE(26) & 0x3fff, height: data.readUInt16LE(28) & 0x3fff };
  return null;
}

/** The largest ImageWidth × ImageLength among a TIFF's first 1,000 pages (IFDs). */
function tiffSize(data: Buffer): ImageSize | null {
  const little = data.toString("latin1", 0, 2) === "II";
  const u16 = (at: number) => (little ? data.readUInt16LE(at) : data.readUInt16BE(at));
  const u32 = (at: number) => (little ? data.readUInt32LE(at) : data.readUInt32BE(at));
  let largest: ImageSize | null = null;
  let ifd = u32(4);
  for (let pages = 0; ifd !== 0 && ifd + 2 <= data.length && pages < 1000; pages++) {
    const entries = u16(ifd);
    let width = 0;
    let height = 0;
    for (let i = 0; i < entries; i++) {
      const entry = ifd + 2 + i * 12;
      if (entry + 12 > data.length) break;
      const tag = u16(entry);
      const value = u16(entry + 2) === 3 ? u16(entry + 8) : u32(entry + 8);
      if (tag === 256) width = value;
      if (tag === 257) height = value;
    }
    if (!largest || width * height > largest.width * largest.height) largest = { width, height };
    const next = ifd + 2 + entries * 12;
    ifd = next + 4 <= data.length ? u32(next) : 0;
  }
  return largest;
}
