/**
 * A person watches a summary being written: its first line in the library, then the document's
 * page, where the text grows; a reload in the middle shows the text written so far and goes on
 * from there, a second tab shows the same, and the finished summary replaces the draft. This runs
 * on the global setup's second stack (AI_PROVIDER=openai on the fake API, a word every 150 ms).
 */
import { randomUUID } from "node:crypto";
import { expect, test, type Locator } from "@playwright/test";
import { rowOf, screenshot, uploadAnswer } from "./helpers";

const STREAMING_URL = process.env.E2E_STREAMING_BASE_URL;
const ADMIN = JSON.parse(process.env.E2E_STREAMING_ADMIN ?? "{}") as { email: string; password: string };

/** The visible text of an element, whitespace collapsed. */
async function textOf(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? "").replace(/\s+/g, " ").trim();
}

test("watch a summary being written, reload in the middle, and see it continue", async ({ browser }) => {
  const context = await browser.newContext({ baseURL: STREAMING_URL, storageState: { cookies: [], origins: [] } });
  try {
    const page = await context.newPage();
    await page.goto("/login");
    await page.getByLabel("Email").fill(ADMIN.email);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Your documents", exact: true })).toBeVisible();

    const title = `site-visit-${randomUUID()}`;
    const text = `Site visit ${title}. The inspectors walked the east wing, checked the fire doors and listed the repairs.`;
    const [doc] = await uploadAnswer(page, () =>
      page.getByLabel("Files to upload").setInputFiles({ name: `${title}.txt`, mimeType: "text/plain", buffer: Buffer.from(text) }),
    );

    // The library shows the first line of the draft as it appears.
    await expect(rowOf(page, title).getByTestId("summary-draft-line")).toHaveText(/^Fake summary/, { timeout: 60_000 });

    await page.goto(`/documents/${doc.id}`);
    const draft = page.getByTestId("summary-draft");
    await expect(draft).toHaveText(/^Fake summary of(\s+\S+){3,}/);
    const early = await textOf(draft);
    await expect.poll(() => textOf(draft)).not.toBe(early);
    const beforeReload = await textOf(draft);
    expect(beforeReload.startsWith(early)).toBe(true);

    // Right after a reload, the text written so far is there, and it goes on being written.
    await page.reload();
    await expect(draft).toBeVisible();
    const afterReload = await textOf(draft);
    expect(afterReload.startsWith(beforeReload)).toBe(true);
    await expect.poll(() => textOf(draft)).not.toBe(afterReload);
    await screenshot(page, "summary-streaming");

    // A second tab sees the same draft.
    const second = await context.newPage();
    await second.goto(`/documents/${doc.id}`);
    await expect(second.getByTestId("summary-draft")).toBeVisible();
    expect((await textOf(second.getByTestId("summary-draft"))).startsWith(afterReload)).toBe(true);

    // Once complete, the summary replaces the draft, the same on both pages.
    const summary = page.getByTestId("summary");
    await expect(summary).toBeVisible({ timeout: 60_000 });
    const final = await textOf(summary);
    expect(final.startsWith(afterReload)).toBe(true);
    await expect(draft).toHaveCount(0);
    await expect(second.getByTestId("summary")).toHaveText(final);
    await expect(second.getByTestId("summary-draft")).toHaveCount(0);
    await screenshot(page, "summary-streamed");
  } finally {
    await context.close();
  }
});
