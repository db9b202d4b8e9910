/**
 * Names and text that look like markup stay text: a file named like an HTML tag, whose content is
 * a script, is listed and shown with its name as written, and nothing in it runs.
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { screenshot, uploadAnswer } from "./helpers";

test("a file named like markup is shown as text and runs nothing", async ({ page }) => {
  const marker = randomUUID().slice(0, 8);
  const name = `<img src=x onerror=window.hacked='${marker}'>.txt`;
  const text = `<script>window.hacked = "${marker}"</script>\n\nThe harbour report ${marker}. Ships arrive on Tuesdays. The crane is repaired.`;
  await page.goto("/");
  const [doc] = await uploadAnswer(page, () =>
    page.getByLabel("Files to upload").setInputFiles([{ name, mimeType: "text/plain", buffer: Buffer.from(text) }]),
  );
  expect(doc.filename).toBe(name);

  const title = name.replace(/\.txt$/, "");
  // The list's row (the In progress strip may name it too while it is processed).
  const link = page.getByTestId("document-row").getByRole("link", { name: title, exact: true });
  await expect(link).toBeVisible();
  await link.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await expect(page.getByTestId("summary")).toContainText(/Ships arrive on Tuesdays|The crane is repaired|harbour report/, { timeout: 60_000 });
  expect(await page.evaluate(() => (window as unknown as { hacked?: string }).hacked)).toBeUndefined();
  expect(await page.locator("img[src='x']").count()).toBe(0);
  await screenshot(page, "markup-name");
});
