/**
 * Find anything in the browser: typing in the library's search box shows ranked results with the
 * matched words marked, the query is kept in the URL (a reload and the back button show the same
 * search), a result opens its document at the matching passage of its text, highlighted, and a
 * narrow window (390 px) shows the search without sideways scrolling.
 */
import { randomUUID } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import type { UploadedDocument } from "@/lib/document-types";
import { screenshot, uploadTexts } from "./helpers";

test.describe.configure({ mode: "serial" });

const run = randomUUID().slice(0, 8);
/** A word no other spec's documents have, so this spec's results hold still. */
const word = `marigoldite${run.replace(/\d/g, "")}`;
const title = `search-almanac-${run}`;

function longText(): string {
  const filler = Array.from({ length: 120 }, (_, i) => `Line ${i} of the almanac lists the tides, the winds and the hours of daylight for the harbour.`).join("\n");
  return `Harbour almanac ${run}\n\n${filler}\n\nThe rare ${word} crystals were found in the cliffs north of the lighthouse, glowing at dusk.\n\n${filler}\n`;
}

let documentId = "";

test.beforeAll(async ({ browser }) => {
  const page = await browser.newPage();
  const [doc] = await uploadTexts(page, [
    { name: `${title}.txt`, text: longText() },
    { name: `search-other-${run}.txt`, text: `Other notes ${run}\n\nNothing about crystals here, only gardens and rain.\n` },
  ]);
  documentId = doc.id;
  await expect
    .poll(async () => ((await (await page.request.get(`/api/documents/${doc.id}`)).json()) as { status: string }).status, { timeout: 120_000, intervals: [1000] })
    .toBe("done");
  await page.close();
});

test("typing a query shows highlighted results, kept in the URL through a reload and the back button", async ({ page }) => {
  await page.goto("/");
  const box = page.getByRole("searchbox", { name: "Search your documents" });
  await box.fill(`${word} crystals`);
  const results = page.getByTestId("search-result");
  await expect(results.first()).toContainText(title);
  await expect(results.first().locator("mark").first()).toHaveText(word);
  await expect(results.first().locator(".score-bar")).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`[?&]q=${word}`));
  await screenshot(page, "search-results");

  // Enter keeps the search as a history entry; a new search, then back, shows the first again.
  await box.press("Enter");
  await box.fill("nothingmatchesthisatall zzzqqq");
  await box.press("Enter");
  await expect(page.getByTestId("search-empty")).toContainText("Try removing a word");
  await page.goBack();
  await expect(box).toHaveValue(`${word} crystals`);
  await expect(results.first()).toContainText(title);

  // The URL alone gives the same results.
  await page.goto(`/?q=${encodeURIComponent(`${word} crystals`)}`);
  await expect(results.first()).toContainText(title);
  await expect(results.first().locator("mark").first()).toHaveText(word);
});

test("opening a result lands at the matching passage of the text, highlighted", async ({ page }) => {
  await page.goto(`/?q=${word}`);
  await page.getByTestId("search-result").first().getByRole("link", { name: title }).click();
  await expect(page).toHaveURL(new RegExp(`/documents/${documentId}\\?q=`));
  const passage = page.getByTestId("search-passage");
  await expect(passage).toBeVisible();
  await expect(passage).toContainText(`${word} crystals`);
  await expect(passage.locator("mark.search-word").first()).toHaveText(word);
  await expect(passage).toBeInViewport();
  await screenshot(page, "search-passage");
});

test("a narrow window shows the search without sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`/?q=${encodeURIComponent(`${word} crystals`)}`);
  await expect(page.getByTestId("search-result").first()).toContainText(title);
  const widths = await page.evaluate(() => {
    const client = document.documentElement.clientWidth;
    // What sticks out, for the failure's message.
    const wide = [...document.querySelectorAll("body *")]
      .filter((element) => element.getBoundingClientRect().right > client + 1)
      .slice(0, 8)
      .map((element) => `${element.tagName.toLowerCase()}.${element.className} (${Math.round(element.getBoundingClientRect().right)} px)`);
    return { scroll: document.documentElement.scrollWidth, client, wide };
  });
  expect(widths.scroll, widths.wide.join(", ")).toBeLessThanOrEqual(widths.client);
  await screenshot(page, "search-narrow");
});
