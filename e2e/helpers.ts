/** What the browser specs share: a real drop of files, the upload answer, screenshots. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect, type Locator, type Page } from "@playwright/test";
import type { UploadedDocument } from "@/lib/document-types";

export { fixturePath } from "../tests/fixtures";
export { ADMIN, ADMIN_STATE } from "./admin";

const SCREENSHOTS_DIR = path.resolve(import.meta.dirname, "screenshots");

const MIME_TYPES: Record<string, string> = {
  ".pdf": "application/pdf",
  ".txt": "text/plain",
  ".md": "text/markdown",
  ".html": "text/html",
};

/** Drops files onto `target` the way a browser does: dragenter, dragover, then drop with a DataTransfer. */
export async function dropFiles(page: Page, target: Locator, filePaths: string[]): Promise<void> {
  const files = await Promise.all(
    filePaths.map(async (filePath) => ({
      name: path.basename(filePath),
      type: MIME_TYPES[path.extname(filePath)] ?? "",
      base64: (await readFile(filePath)).toString("base64"),
    })),
  );
  const dataTransfer = await page.evaluateHandle((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.base64), (char) => char.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name, { type: item.type }));
    }
    return transfer;
  }, files);
  for (const type of ["dragenter", "dragover", "drop"]) await target.dispatchEvent(type, { dataTransfer });
  await dataTransfer.dispose();
}

/** Runs `act` and answers the documents of the upload it caused. */
export async function uploadAnswer(page: Page, act: () => Promise<void>): Promise<UploadedDocument[]> {
  const answered = page.waitForResponse((response) => response.url().endsWith("/api/documents") && response.request().method() === "POST");
  await act();
  const response = await answered;
  expect(response.status()).toBe(202);
  return ((await response.json()) as { documents: UploadedDocument[] }).documents;
}

/** The list row of the document with this title. */
export function rowOf(page: Page, title: string | RegExp): Locator {
  return page.getByTestId("document-row").filter({ has: page.getByRole("link", { name: title, exact: true }) });
}

/** Saves a full-page screenshot to e2e/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS_DIR, `${name}.png`), fullPage: true });
}

/** Uploads text files through the API as the signed-in page; their documents as the 202 answers them. */
export async function uploadTexts(page: Page, files: { name: string; text: string }[]): Promise<UploadedDocument[]> {
  const form = new FormData();
  for (const file of files) form.append("files", new Blob([file.text], { type: "text/plain" }), file.name);
  const response = await page.request.post("/api/documents", { multipart: form });
  expect(response.status()).toBe(202);
  return ((await response.json()) as { documents: UploadedDocument[] }).documents;
}
