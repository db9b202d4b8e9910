/**
 * A picture of a document's first page (PDFs) or of the image itself, for the library list and the
 * document page: rendered by poppler's `pdftoppm` (an image goes through Debian's `img2pdf` first,
 * which wraps it in a one-page PDF) as a PNG at most THUMBNAIL_SIZE pixels on its longer side,
 * with the limits of the OCR processes (lib/parsing/ocr.ts), and refused past THUMBNAIL_MAX_BYTES.
 */
import { hasThumbnailType, isImageType } from "./formats";
import { runPipeline, type PipelineSettings } from "./ocr";

/** The longer side of a thumbnail, in pixels (twice the size it is shown at, for sharp screens). */
export const THUMBNAIL_SIZE = 320;
/** The most bytes a thumbnail may take; a larger one is not kept. */
export const THUMBNAIL_MAX_BYTES = 512 * 1024;
/** The name of the thumbnail's derived storage key (lib/storage's `derivedKey`). */
export const THUMBNAIL_KEY_NAME = "thumbnail";

/** The PNG thumbnail of a PDF's first page or of an image; rejects when it cannot be made within the limits. */
export async function renderThumbnail(bytes: Uint8Array, mimeType: string, settings: PipelineSettings): Promise<Buffer> {
  if (!hasThumbnailType(mimeType)) throw new Error(`no thumbnail for ${mimeType}`);
  const render = ["pdftoppm", "-f", "1", "-l", "1", "-scale-to", String(THUMBNAIL_SIZE), "-png", "-"];
  const commands = isImageType(mimeType) ? [["img2pdf", "-"], render] : [render];
  const png = await runPipeline(commands, bytes, settings, 1, { maxOutput: THUMBNAIL_MAX_BYTES, failPastLimit: true });
  if (png.length === 0) throw new Error("the renderer wrote no image");
  return png;
}
