/**
 * A person cancels a document that waits for a scheduled re-run, retries it, processes it
 * again, and deletes it, all from the document's page.
 */
import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import type { UploadedDocument } from "@/lib/document-types";
import { rowOf, screenshot } from "./helpers";

const PROCESSING_TIMEOUT = 60_000;

test.describe.configure({ mode: "serial" });

/** Uploads a unique note over HTTP and waits until the browser's list shows it done. */
async function finishedNote(page: Page, topic: string): Promise<UploadedDocument> {
  const title = `${topic}-${randomUUID()}`;
  const text = `Notes on ${title}. The ${topic} review covered the schedule, the budget and the staffing plan for next year.`;
  const response = await page.request.post("/api/documents", { multipart: { files: { name: `${title}.txt`, mimeType: "text/plain", buffer: Buffer.from(text) } } });
  expect(response.status()).toBe(202);
  const [doc] = ((await response.json()) as { documents: UploadedDocument[] }).documents;
  await page.goto("/");
  await expect(rowOf(page, doc.title)).toHaveAttribute("data-status", "done", { timeout: PROCESSING_TIMEOUT });
  return doc;
}

function status(page: Page) {
  return page.locator(".status-line .status");
}

test("cancel a scheduled re-run, retry it, and process it again", async ({ page }) => {
  const doc = await finishedNote(page, "cancel");
  // A re-run scheduled an hour from now waits in the queue.
  const at = new Date(Date.now() + 3_600_000).toISOString();
  expect((await page.request.post(`/api/documents/${doc.id}/reprocess`, { data: { at } })).status()).toBe(200);

  await page.goto(`/documents/${doc.id}`);
  await expect(status(page)).toHaveText("Queued");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(status(page)).toHaveText("Cancelled");
  await screenshot(page, "document-cancelled");

  await page.getByRole("button", { name: "Retry" }).click();
  await expect(status(page)).toHaveText("Done", { timeout: PROCESSING_TIMEOUT });
  await expect(page.getByTestId("summary")).toContainText("staffing plan");

  await page.getByRole("button", { name: "Process again" }).click();
  await expect(status(page)).toHaveText("Done", { timeout: PROCESSING_TIMEOUT });
  await expect(page.getByRole("button", { name: "Process again" })).toBeVisible();
});

test("retry a failed document and see it fail again with its reason", async ({ page }) => {
  // Blank content of a length no other spec uses, so it is never a duplicate of theirs.
  const name = `blank-${randomUUID()}.txt`;
  const blank = Buffer.from(" \n".repeat(1000 + Math.floor(Math.random() * 100_000)));
  const response = await page.request.post("/api/documents", { multipart: { files: { name, mimeType: "text/plain", buffer: blank } } });
  const [doc] = ((await response.json()) as { documents: UploadedDocument[] }).documents;
  await page.goto(`/documents/${doc.id}`);
  const failure = page.getByRole("alert").filter({ hasText: "Failed at Extracting text" });
  await expect(failure).toContainText("No text was found in this file.", { timeout: PROCESSING_TIMEOUT });
  const retried = page.waitForResponse((r) => r.url().endsWith(`/api/documents/${doc.id}/retry`));
  await page.getByRole("button", { name: "Retry" }).click();
  expect((await retried).status()).toBe(200);
  await expect(failure).toContainText("No text was found in this file.", { timeout: PROCESSING_TIMEOUT });
  await expect(page.getByRole("button", { name: "Retry" })).toBeEnabled();
});

test("delete a document and no longer find it in the library", async ({ page }) => {
  const doc = await finishedNote(page, "delete");
  await page.goto(`/documents/${doc.id}`);
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: "Your documents", exact: true })).toBeVisible();
  await expect(rowOf(page, doc.title)).toHaveCount(0);
  await screenshot(page, "after-delete");
  const gone = await page.goto(`/documents/${doc.id}`);
  expect(gone?.status()).toBe(404);
});
