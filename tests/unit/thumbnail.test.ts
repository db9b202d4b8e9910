/**
 * Thumbnails: a PDF's first page and an image (an RGB and a transparent PNG) become PNGs of 320
 * pixels on their longer side; bytes that are no image, and a render past its time limit, are
 * refused (the extract stage then logs it and shows no thumbnail).
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { renderThumbnail, THUMBNAIL_SIZE } from "@/lib/parsing/thumbnail";
import { fixturePath } from "../fixtures";
import { renderPages } from "../scans";

const SETTINGS = { pageTimeoutMs: 30_000, memoryBytes: 1024 * 2 ** 20, user: "nobody" };

/** A PNG's width and height, from its header. */
function sizeOf(png: Buffer): [number, number] {
  expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe("renderThumbnail", () => {
  it("renders a PDF's first page at 320 pixels on its longer side", async () => {
    const [width, height] = sizeOf(await renderThumbnail(await readFile(fixturePath("graphicx.pdf")), "application/pdf", SETTINGS));
    expect(Math.max(width, height)).toBe(THUMBNAIL_SIZE);
    expect(height).toBeGreaterThan(width);
  });

  it("renders an image, with or without transparency", async () => {
    const [photo] = await renderPages(fixturePath("keyval.pdf"), 1, 1, 100);
    // pdftocairo writes the page's background as transparent: an RGBA PNG.
    const { stdout: transparent } = await promisify(execFile)("pdftocairo", ["-png", "-transp", "-r", "100", "-f", "1", "-l", "1", "-singlefile", fixturePath("keyval.pdf"), "-"], {
      encoding: "buffer",
      maxBuffer: 64 * 2 ** 20,
    });
    expect(transparent.readUInt8(25)).toBe(6);
    for (const image of [photo, transparent]) {
      const [width, height] = sizeOf(await renderThumbnail(image, "image/png", SETTINGS));
      expect(Math.max(width, height)).toBe(THUMBNAIL_SIZE);
    }
  });

  it("refuses bytes that are no image, and a render past its time limit", async () => {
    await expect(renderThumbnail(Buffer.from("not a picture at all"), "image/png", SETTINGS)).rejects.toThrow();
    await expect(renderThumbnail(await readFile(fixturePath("graphicx.pdf")), "application/pdf", { ...SETTINGS, pageTimeoutMs: 1 })).rejects.toThrow(/time limit/);
    await expect(renderThumbnail(Buffer.from("plain text"), "text/plain", SETTINGS)).rejects.toThrow(/no thumbnail/);
  });
});
