/**
 * A person reads what a document is: its summary's first paragraph says it, the key points below
 * are a list, the page says the summary is picked from the document's sentences, and the outline,
 * folded away, opens the extracted text at the heading chosen. The stack is shared by every spec,
 * so each test names its own files.
 */
import { randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "@playwright/test";
import { fixturePath, screenshot, uploadAnswer } from "./helpers";

/** Processing a small document with the local provider takes seconds; this is ample. */
const PROCESSING_TIMEOUT = 90_000;

/** Uploads files through the file dialog and answers their documents' ids by title. */
async function uploadFiles(page: Page, files: { name: string; mimeType: string; buffer: Buffer }[]): Promise<Map<string, string>> {
  await page.goto("/");
  const documents = await uploadAnswer(page, () => page.getByLabel("Files to upload").setInputFiles(files));
  return new Map(documents.map((doc) => [doc.title, doc.id]));
}

async function openWhenDone(page: Page, id: string): Promise<void> {
  await page.goto(`/documents/${id}`);
  await expect(page.getByText("Status: Done")).toBeVisible({ timeout: PROCESSING_TIMEOUT });
}

test("a document's summary says what it is, lists key points, and its outline opens the text at a heading", async ({ page }) => {
  const marker = randomUUID().slice(0, 8);
  const title = `harbour-crane-${marker}`;
  const manual = [
    `# Harbour crane manual ${marker}`,
    "",
    "The harbour crane manual explains how the crane at pier four lifts containers from ships onto the quay.",
    "",
    "## Before a lift",
    "",
    "The operator checks the weather report and the wind speed before every lift of the day.",
    "Containers heavier than forty tonnes need a second operator standing on the quay.",
    "",
    "## During a lift",
    "",
    "The crane moves slowly while a container hangs above people or vehicles on the quay.",
    "Radio contact with the crew of the ship stays open until the container rests on the ground.",
    "",
    "## After the shift",
    "",
    "The operator writes every lift into the logbook kept in the cabin of the crane.",
    "Faults are reported to the harbour office before the next shift begins.",
  ].join("\n");
  const ids = await uploadFiles(page, [{ name: `${title}.md`, mimeType: "text/markdown", buffer: Buffer.from(manual) }]);
  await openWhenDone(page, ids.get(title)!);

  // The first paragraph says what the document is; the key points follow as a list.
  await expect(page.getByTestId("summary-description")).toHaveText(
    "The harbour crane manual explains how the crane at pier four lifts containers from ships onto the quay.",
  );
  const keyPoints = page.getByRole("list", { name: "Key points" }).getByRole("listitem");
  await expect(keyPoints).toHaveCount(5);
  for (const point of await keyPoints.allTextContents()) expect(manual).toContain(point);
  await expect(page.getByText("Picked from the document's own sentences")).toBeVisible();

  // The outline is folded away until opened, its headings indented by level.
  const outline = page.getByTestId("outline");
  await expect(outline).not.toHaveAttribute("open");
  await expect(outline.locator("summary")).toHaveText("Outline (4 headings)");
  await expect(outline.getByRole("link", { name: "During a lift" })).toBeHidden();
  await outline.locator("summary").click();
  const headings = outline.getByRole("listitem");
  await expect(headings).toHaveText([`Harbour crane manual ${marker}`, "Before a lift", "During a lift", "After the shift"]);
  await expect(headings.nth(2)).toHaveClass("outline-level-2");
  await screenshot(page, "summary-outline");

  // A heading opens the extracted text where it starts.
  await expect(page.getByTestId("document-text")).toHaveCount(0);
  await outline.getByRole("link", { name: "During a lift" }).click();
  await expect(page).toHaveURL(/#text-\d+$/);
  const text = page.getByTestId("document-text");
  await expect(text).toBeVisible();
  await expect(text).toHaveText(/^During a lift\s+The crane moves slowly/);
  await expect(page.getByText(/^Showing characters \d+ to \d+ of \d+\.$/)).toBeVisible();
  await screenshot(page, "summary-outline-text");

  // Another heading moves the text there; "Show from the start" goes back to the beginning.
  await outline.getByRole("link", { name: "After the shift" }).click();
  await expect(text).toHaveText(/^After the shift\s+The operator writes/);
  await page.getByRole("button", { name: "Show from the start" }).click();
  await expect(text).toHaveText(new RegExp(`^Harbour crane manual ${marker}\\s`));
});

test("a PDF's outline comes from its bookmarks, and a link to a heading opens the text there after a reload", async ({ page }) => {
  const ids = await uploadFiles(page, [{ name: "graphicx.pdf", mimeType: "application/pdf", buffer: await readFile(fixturePath("graphicx.pdf")) }]);
  await openWhenDone(page, ids.get("graphicx")!);

  await expect(page.getByTestId("summary-description")).toContainText("The graphicx package provides an alternative interface");
  await expect(page.getByRole("list", { name: "Key points" }).getByRole("listitem")).not.toHaveCount(0);
  const outline = page.getByTestId("outline");
  await outline.locator("summary").click();
  await expect(outline.getByRole("listitem")).toHaveText([
    "1 Introduction",
    "2 Key=Value Interface",
    "3 The User Interface",
    "4 Implementation",
    "4.1 Graphics Inclusion",
    "5 Rotation",
  ]);
  const href = await outline.getByRole("link", { name: "4.1 Graphics Inclusion" }).getAttribute("href");

  // The address with the heading's fragment opens the text there by itself.
  await page.goto(`${page.url().split("#")[0]}${href}`);
  await expect(page.getByTestId("document-text")).toHaveText(/^4\.1 Graphics Inclusion\s/);
});
