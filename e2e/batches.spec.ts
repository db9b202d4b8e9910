/**
 * A person follows a batch: the overview above the list counts a drop of five files to the end;
 * a document processed again keeps its summary and similar documents, also once that re-run is
 * cancelled; a damaged PDF leads with uploading a new copy, not Retry; a delete can be undone from
 * its notice, and a deleted document restored from the trash.
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import type { UploadedDocument } from "@/lib/document-types";
import { dropFiles, rowOf, screenshot, uploadAnswer, uploadTexts } from "./helpers";

const PROCESSING_TIMEOUT = 90_000;

test.describe.configure({ mode: "serial" });

/** A note nobody uploaded before; notes of one topic are similar to each other. */
function note(topic: string): { name: string; text: string } {
  const title = `${topic}-${randomUUID()}`;
  return {
    name: `${title}.txt`,
    text: `Notes on ${title}. The ${topic} review covered the schedule, the budget and the staffing plan for next year. The ${topic} team agreed on the ${topic} budget.`,
  };
}

async function finished(page: Page, docs: UploadedDocument[]): Promise<void> {
  await page.goto("/");
  for (const doc of docs) await expect(rowOf(page, doc.title)).toHaveAttribute("data-status", "done", { timeout: PROCESSING_TIMEOUT });
}

test("drop five files and watch the overview count them to the end", async ({ page }) => {
  const folder = await mkdtemp(path.join(os.tmpdir(), "docsum-batch-"));
  try {
    const files = Array.from({ length: 5 }, () => note("lighthouse"));
    const paths = await Promise.all(files.map(async (file) => {
      const filePath = path.join(folder, file.name);
      await writeFile(filePath, file.text);
      return filePath;
    }));
    await page.goto("/");
    const uploaded = await uploadAnswer(page, () => dropFiles(page, page.getByTestId("drop-zone"), paths));
    expect(uploaded).toHaveLength(5);
    const overview = page.getByTestId("batch-overview");
    await expect(overview).toContainText(/\d of 5 done/);
    await expect(overview.locator(".batch-overview-text")).toHaveText("5 of 5 done", { timeout: PROCESSING_TIMEOUT });
    await expect(page.getByRole("status").filter({ hasText: "Your upload has been processed" })).toHaveText("Your upload has been processed: 5 of 5 done.");
    await screenshot(page, "batch-overview-done");

    // Clicking it shows the batch's documents alone.
    await overview.getByRole("button", { name: /Show this upload's documents/ }).click();
    await expect(page).toHaveURL(/batch=/);
    await expect(page.getByTestId("document-row")).toHaveCount(5);
    for (const doc of uploaded) await expect(rowOf(page, doc.title)).toHaveAttribute("data-status", "done");
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test("the summary and similar documents stay while the document is processed again, and after that run is cancelled", async ({ page }) => {
  const [first, second] = await uploadTexts(page, [note("harvest"), note("harvest")]);
  await finished(page, [first, second]);
  await page.goto(`/documents/${second.id}`);
  await expect(page.getByTestId("summary")).toContainText("staffing plan");
  await expect(page.getByTestId("similar-item").filter({ hasText: first.title })).toBeVisible();

  // A re-run scheduled an hour from now waits in the queue: the results so far stay, marked.
  const at = new Date(Date.now() + 3_600_000).toISOString();
  expect((await page.request.post(`/api/documents/${second.id}/reprocess`, { data: { at } })).status()).toBe(200);
  await page.reload();
  await expect(page.locator(".status-line .status")).toHaveText("Queued");
  await expect(page.getByTestId("summary")).toContainText("staffing plan");
  await expect(page.getByText("Being updated: a new summary replaces this one once it is complete.")).toBeVisible();
  await expect(page.getByTestId("similar-updating")).toBeVisible();
  await expect(page.getByTestId("similar-item").filter({ hasText: first.title })).toBeVisible();
  await screenshot(page, "rerun-keeps-results");

  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.locator(".status-line .status")).toHaveText("Cancelled");
  await page.reload();
  await expect(page.getByTestId("summary")).toContainText("staffing plan");
  await expect(page.getByTestId("similar-item").filter({ hasText: first.title })).toBeVisible();
  await expect(page.getByTestId("similar-updating")).toHaveCount(0);
});

test("a damaged PDF says what to do and does not lead with Retry", async ({ page }) => {
  const damaged = Buffer.concat([Buffer.from("%PDF-1.7\n1 0 obj\n<< /Type /Catalog"), Buffer.from(randomUUID()), Buffer.from("\n%%EOF")]);
  const response = await page.request.post("/api/documents", {
    multipart: { files: { name: `damaged-${randomUUID()}.pdf`, mimeType: "application/pdf", buffer: damaged } },
  });
  expect(response.status()).toBe(202);
  const [doc] = ((await response.json()) as { documents: UploadedDocument[] }).documents;
  await page.goto(`/documents/${doc.id}`);
  await expect(page.locator(".status-line .status")).toHaveText("Failed", { timeout: PROCESSING_TIMEOUT });
  await expect(page.getByTestId("failure-advice")).toContainText("Export the file again from the program that made it");
  const actions = page.locator(".document-actions");
  await expect(actions.getByRole("link", { name: "Upload a new copy" })).toHaveClass(/\bbutton\b/);
  await expect(actions.getByRole("button", { name: "Retry", exact: true })).toHaveCount(0);
  await expect(actions.getByRole("button", { name: "Retry anyway" })).toHaveClass("link-button");
  await screenshot(page, "damaged-pdf-advice");
});

test("a notice says so when a document finishes while another page is open, and the tab counts it meanwhile", async ({ page }) => {
  await page.goto("/settings");
  await expect(page).toHaveTitle("Settings · Docsum");
  const [doc] = await uploadTexts(page, [note("beacon")]);
  // The tab counts the documents in progress before the page's own title.
  await expect(page).toHaveTitle(/^\(\d+\) Settings · Docsum$/);
  const notice = page.getByTestId("work-notice").filter({ hasText: doc.title });
  await expect(notice).toHaveText(new RegExp(`“${doc.title}” is ready\\.`), { timeout: PROCESSING_TIMEOUT });
  await expect(page).toHaveTitle("Settings · Docsum", { timeout: PROCESSING_TIMEOUT });
  await expect(page.getByRole("status").filter({ has: notice })).toBeVisible();
  await notice.getByRole("link", { name: "Open it" }).click();
  await expect(page).toHaveURL(new RegExp(`/documents/${doc.id}$`));
  await expect(page.getByTestId("summary")).toContainText("staffing plan");
});

test("delete a document, undo it, then delete and restore it from the trash", async ({ page }) => {
  const [doc] = await uploadTexts(page, [note("ferry")]);
  await finished(page, [doc]);

  await page.goto(`/documents/${doc.id}`);
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("button", { name: "Delete" }).click();
  await expect(page).toHaveURL(/\/$/);
  const notice = page.getByTestId("undo-delete");
  await expect(notice).toContainText("Moved 1 document to the trash.");
  await expect(rowOf(page, doc.title)).toHaveCount(0);
  await notice.getByRole("button", { name: "Undo" }).click();
  await expect(notice).toHaveCount(0);
  await expect(rowOf(page, doc.title)).toHaveAttribute("data-status", "done");
  expect((await page.request.get(`/api/documents/${doc.id}`)).status()).toBe(200);

  // From the bulk actions this time, then back from the trash.
  await page.getByRole("checkbox", { name: `Select ${doc.title}`, exact: true }).click();
  page.once("dialog", (dialog) => void dialog.accept());
  await page.getByRole("group", { name: "Selected documents" }).getByRole("button", { name: "Delete" }).click();
  await expect(notice).toContainText("Moved 1 document to the trash.");
  await expect(rowOf(page, doc.title)).toHaveCount(0);
  await notice.getByRole("link", { name: "Open the trash" }).click();
  await expect(page.getByRole("heading", { name: "Trash", exact: true })).toBeVisible();
  const trashed = page.getByTestId("trash-row").filter({ hasText: doc.title });
  await expect(trashed).toBeVisible();
  await screenshot(page, "trash");
  await trashed.getByRole("button", { name: `Restore ${doc.title}` }).click();
  await expect(page.getByRole("status").filter({ hasText: "restored" })).toHaveText("1 restored");
  await expect(trashed).toHaveCount(0);
  await page.goto("/");
  await expect(rowOf(page, doc.title)).toHaveAttribute("data-status", "done");
  await page.goto(`/documents/${doc.id}`);
  await expect(page.getByTestId("summary")).toContainText("staffing plan");
});
