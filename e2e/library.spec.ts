/**
 * A library of a few hundred documents: a page at a time with the count of all, sorted and
 * filtered through the URL (through a reload and the back button), several documents deleted
 * at once, and a document's extracted text read on its page.
 */
import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import type { UploadedDocument } from "@/lib/document-types";
import type { LibraryPage } from "@/lib/library";
import { rowOf, screenshot, uploadTexts } from "./helpers";

/** More than four pages of 50. */
const NOTES = 230;
/** The most files one upload request takes. */
const FILES_PER_REQUEST = 100;
/** A few hundred small text documents take the worker a minute or two; this is ample. */
const PROCESSING_TIMEOUT = 300_000;

test.describe.configure({ mode: "serial" });

const run = randomUUID().slice(0, 8);

/**
 * The index-th note: titles that start with their number (so "000-…" sorts before the titles of
 * the other specs, which start with letters or punctuation) and texts that differ, so no upload
 * is a duplicate of another.
 */
function note(index: number) {
  const number = String(index).padStart(3, "0");
  const sentence = `The inventory of shelf ${number} in store ${run} was counted on Monday and matched the records.`;
  return { title: `${number}-library-${run}`, sentence, text: `Library note ${number}.\n\n${sentence} The next count is due in spring.\n` };
}

/** Blank content of a length no other spec uses: it fails ("No text was found") without being a duplicate of another spec's file. */
const blankTitle = `blank-library-${run}`;
const blank = " \n".repeat(500 + Math.floor(Math.random() * 50_000));

let uploaded: UploadedDocument[] = [];

/** A page of GET /api/documents, as the signed-in admin. */
async function listed(page: Page, query: string): Promise<LibraryPage> {
  const response = await page.request.get(`/api/documents?${query}`);
  expect(response.status()).toBe(200);
  return (await response.json()) as LibraryPage;
}

function rows(page: Page) {
  return page.getByTestId("document-row");
}

function countText(shown: number, total: number): string {
  return `Showing ${shown} of ${total} document${total === 1 ? "" : "s"}`;
}

test("a few hundred documents show a page at a time, with the count of all", async ({ page }) => {
  test.setTimeout(PROCESSING_TIMEOUT + 60_000);
  const files = Array.from({ length: NOTES }, (_, index) => ({ name: `${note(index).title}.txt`, text: note(index).text }));
  files.splice(10, 0, { name: `${blankTitle}.txt`, text: blank });
  for (let start = 0; start < files.length; start += FILES_PER_REQUEST) {
    uploaded.push(...(await uploadTexts(page, files.slice(start, start + FILES_PER_REQUEST))));
  }
  expect(uploaded.filter((doc) => doc.duplicate)).toEqual([]);
  expect(uploaded).toHaveLength(NOTES + 1);

  // Every document ends before the pages are read, so the rows and counts below hold still.
  await expect
    .poll(async () => (await listed(page, "status=active&limit=1")).total, { timeout: PROCESSING_TIMEOUT, intervals: [2000] })
    .toBe(0);
  const { total } = await listed(page, "limit=1");
  expect(total).toBeGreaterThanOrEqual(NOTES + 1);

  await page.goto("/");
  await expect(rows(page)).toHaveCount(50);
  await expect(page.getByText(countText(50, total))).toBeVisible();
  await screenshot(page, "library-first-page");

  await page.getByRole("button", { name: "Load more" }).click();
  await expect(rows(page)).toHaveCount(100);
  await expect(page.getByText(countText(100, total))).toBeVisible();
  // The second page continues the first: no row is shown twice.
  const ids = await rows(page).evaluateAll((items) => items.map((item) => item.getAttribute("data-id")));
  expect(new Set(ids).size).toBe(100);
});

test("sort by title through the URL, keep it through a reload, and go back to newest first", async ({ page }) => {
  await page.goto("/");
  const newest = (await listed(page, "limit=1")).documents[0].title;
  await expect(rows(page).first().locator(".document-title")).toHaveText(newest);

  await page.getByLabel("Sort", { exact: true }).selectOption("title");
  await expect(page).toHaveURL(/[?&]sort=title(&|$)/);
  const first = (await listed(page, "sort=title&limit=1")).documents[0].title;
  expect(first).toMatch(/^000-library-/);
  await expect(rows(page).first().locator(".document-title")).toHaveText(first);

  await page.reload();
  await expect(page.getByLabel("Sort", { exact: true })).toHaveValue("title");
  await expect(rows(page).first().locator(".document-title")).toHaveText(first);
  await screenshot(page, "library-by-title");

  await page.goBack();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByLabel("Sort", { exact: true })).toHaveValue("newest");
  await expect(rows(page).first().locator(".document-title")).toHaveText(newest);
});

test("the status filter in the URL shows only failed documents", async ({ page }) => {
  const failed = await listed(page, "status=failed&limit=1");
  await page.goto("/?status=failed");
  await expect(page.getByLabel("Status", { exact: true })).toHaveValue("failed");
  await expect(rowOf(page, blankTitle)).toHaveAttribute("data-status", "failed");
  await expect(rowOf(page, blankTitle)).toContainText("No text was found in this file.");
  await expect(page.getByText(countText(Math.min(50, failed.total), failed.total))).toBeVisible();
  const statuses = await rows(page).evaluateAll((items) => items.map((item) => item.getAttribute("data-status")));
  expect(statuses.length).toBeGreaterThan(0);
  expect(new Set(statuses)).toEqual(new Set(["failed"]));
});

test("select three rows with a click and a shift-click and delete them at once", async ({ page }) => {
  const { total } = await listed(page, "limit=1");
  await page.goto("/");
  await expect(rows(page)).toHaveCount(50);
  const titles = await rows(page).locator(".document-title").allTextContents();
  const picked = titles.slice(1, 4);
  for (const title of picked) expect(title).toMatch(new RegExp(`^\\d{3}-library-${run}$`));

  await page.getByRole("checkbox", { name: `Select ${picked[0]}`, exact: true }).click();
  await page.getByRole("checkbox", { name: `Select ${picked[2]}`, exact: true }).click({ modifiers: ["Shift"] });
  for (const title of picked) await expect(page.getByRole("checkbox", { name: `Select ${title}`, exact: true })).toBeChecked();
  await expect(page.getByRole("checkbox", { name: `Select ${titles[0]}`, exact: true })).not.toBeChecked();
  await expect(page.getByText("3 selected")).toBeVisible();
  await screenshot(page, "library-selected");

  let question = "";
  page.once("dialog", (dialog) => {
    question = dialog.message();
    void dialog.accept();
  });
  const answered = page.waitForResponse((response) => response.url().endsWith("/api/documents/actions"));
  await page.getByRole("group", { name: "Selected documents" }).getByRole("button", { name: "Delete" }).click();
  expect((await answered).status()).toBe(200);
  expect(question).toContain("Delete 3 documents?");

  await expect(page.getByRole("status").filter({ hasText: "deleted" })).toHaveText("3 deleted");
  for (const title of picked) await expect(rowOf(page, title)).toHaveCount(0);
  await expect(page.getByText("3 selected")).toHaveCount(0);
  await expect(page.getByText(countText(50, total - 3))).toBeVisible();

  await page.reload();
  await expect(rows(page)).toHaveCount(50);
  for (const title of picked) await expect(rowOf(page, title)).toHaveCount(0);
});

test("a done document's extracted text opens on its page", async ({ page }) => {
  const { sentence, title } = note(7);
  const doc = uploaded.find((item) => item.title === title);
  expect(doc).toBeDefined();
  await page.goto(`/documents/${doc!.id}`);
  await expect(page.getByText("Status: Done")).toBeVisible();
  await expect(page.getByTestId("document-text")).toHaveCount(0);

  const summary = page.locator("summary", { hasText: "Extracted text" });
  await expect(summary).toContainText(/\d+ characters/);
  await summary.click();
  await expect(page.getByTestId("document-text")).toContainText(sentence);
  await expect(page.getByRole("button", { name: "Show more" })).toHaveCount(0);
  await screenshot(page, "document-text");
});
