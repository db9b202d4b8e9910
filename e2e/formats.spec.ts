/**
 * A person drops a photo of a page with two text files and a file the app cannot read: the photo
 * is read by OCR and ends done with the two others, and the refused file is named with its reason
 * where the upload answers. Then they rename a document on its page.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { expect, test } from "@playwright/test";
import { renderPages } from "../tests/scans";
import { dropFiles, fixturePath, rowOf, screenshot, uploadAnswer } from "./helpers";

/** OCR of one page takes seconds on two cores; the rest is text. */
const PROCESSING_TIMEOUT = 120_000;

test.describe.configure({ mode: "serial" });

test("drop a photo of a page with two text files and an archive: the three are processed, the archive's reason shown", async ({ page }) => {
  const run = randomUUID().slice(0, 8);
  const dir = await mkdtemp(path.join(os.tmpdir(), "docsum-e2e-formats-"));
  try {
    const [photo] = await renderPages(fixturePath("keyval.pdf"), 1, 1, 200);
    const names = { photo: `keyval-photo-${run}.png`, first: `pier-${run}.txt`, second: `quay-${run}.txt`, archive: `archive-${run}.txt` };
    await writeFile(path.join(dir, names.photo), photo);
    await writeFile(path.join(dir, names.first), `Pier notes ${run}. The pier was repaired in March and reopened to fishing boats in April.`);
    await writeFile(path.join(dir, names.second), `Quay notes ${run}. The quay lights were replaced and the bollards painted before the summer.`);
    await writeFile(path.join(dir, names.archive), gzipSync(`compressed ${run}`));

    await page.goto("/");
    const documents = await uploadAnswer(page, () => dropFiles(page, page.getByTestId("drop-zone"), Object.values(names).map((name) => path.join(dir, name))));
    expect(documents.map((doc) => doc.filename).sort()).toEqual([names.first, names.photo, names.second].sort());

    const refused = page.getByTestId("rejected-files");
    await expect(refused).toBeVisible();
    await expect(refused.getByRole("listitem")).toHaveText([`"${names.archive}" is not a supported type. Upload PDF, plain text, Markdown, HTML, Word, OpenDocument text, PowerPoint, PNG, JPEG, TIFF or WebP files.`]);

    for (const doc of documents) {
      await expect(rowOf(page, doc.title)).toHaveAttribute("data-status", "done", { timeout: PROCESSING_TIMEOUT });
    }
    await screenshot(page, "formats-drop");

    await rowOf(page, `keyval-photo-${run}`).getByRole("link").click();
    await expect(page.getByText("Status: Done")).toBeVisible();
    await expect(page.getByText("PNG image")).toBeVisible();
    await expect(page.getByTestId("summary")).toHaveText(/\w+(\s+\w+){5,}/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("rename a document on its page; the list shows the new title", async ({ page }) => {
  const run = randomUUID().slice(0, 8);
  const name = `minutes-${run}`;
  await page.goto("/");
  const [doc] = await uploadAnswer(page, () =>
    page.getByLabel("Files to upload").setInputFiles({ name: `${name}.txt`, mimeType: "text/plain", buffer: Buffer.from(`Minutes ${run}. The board approved the new ferry timetable and the budget for the pier.`) }),
  );
  await expect(rowOf(page, name)).toHaveAttribute("data-status", "done", { timeout: PROCESSING_TIMEOUT });
  await page.goto(`/documents/${doc.id}`);

  await page.getByRole("button", { name: "Rename" }).click();
  const field = page.getByLabel("Title", { exact: true });
  await expect(field).toHaveValue(name);
  await field.fill(`Board minutes ${run}`);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Board minutes ${run}`);

  await page.reload();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Board minutes ${run}`);
  await screenshot(page, "document-renamed");
  await page.goto("/");
  await expect(rowOf(page, `Board minutes ${run}`)).toBeVisible();
});
