/**
 * Every screen at 1280 px and at 390 × 844, in the light and the dark theme: no page scrolls
 * sideways, progress bars have a height, axe-core finds no serious or critical violation (WCAG 2.1
 * A and AA: contrast included), touch targets are 44 px at phone size and the header's links sit
 * behind a Menu button there. One browser context per theme and size visits every page and saves
 * its screenshot. Then: files dropped beside the zone, a PDF's thumbnail, the favicon, the queue
 * dashboard's way back and fonts, and what a person who is not an admin sees of it.
 */
import { randomUUID } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { ADMIN_STATE, dropFiles, fixturePath, screenshot, uploadAnswer } from "./helpers";

test.describe.configure({ mode: "serial" });

const run = randomUUID().slice(0, 8);
const THEMES = ["light", "dark"] as const;
const SIZES = { wide: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;
const PERSON_PASSWORD = "a person's own password";

/** A PDF made distinct from other specs' copies by a trailing comment, so it is never a duplicate. */
async function uniquePdf(name: string): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  const bytes = await readFile(fixturePath("graphicx.pdf"));
  return { name, mimeType: "application/pdf", buffer: Buffer.concat([bytes, Buffer.from(`\n%screens ${run} ${name}\n`)]) };
}

let pdfId = "";
/** A person with no documents, who signs in on every screen's context. */
let personEmail = "";

/** The list row of the document with this id. */
function rowById(page: Page, id: string) {
  return page.locator(`[data-testid="document-row"][data-id="${id}"]`);
}

/** Buttons, fields and menus a finger must hit: at least 44 px high at phone size. */
const TARGETS = "main button, main select, main input:not([type=checkbox]):not([type=hidden]):not([type=file]), main .button, header button";

/** Checks what every page must hold at this size, and saves its screenshot. */
async function checkScreen(page: Page, name: string, phone: boolean): Promise<void> {
  // Measured in the page at once: sideways scrolling, bars without height, small targets.
  const measured = await page.evaluate((targets) => {
    const shown = (element: Element) => element.getClientRects().length > 0 && getComputedStyle(element).visibility !== "hidden";
    return {
      scrollWidth: document.documentElement.scrollWidth,
      viewWidth: window.innerWidth,
      flatBars: [...document.querySelectorAll(".progress-track")].filter((track) => shown(track) && track.getBoundingClientRect().height < 4).length,
      smallTargets: [...document.querySelectorAll(targets)]
        .filter((target) => shown(target) && target.getBoundingClientRect().height < 44)
        .map((target) => `${target.tagName.toLowerCase()} "${(target.textContent ?? "").trim() || target.getAttribute("name")}": ${target.getBoundingClientRect().height} px`),
    };
  }, TARGETS);
  expect(measured.scrollWidth, `${name} scrolls sideways`).toBeLessThanOrEqual(measured.viewWidth);
  expect(measured.flatBars, `${name}: progress bars without height`).toBe(0);
  if (phone) expect(measured.smallTargets, `${name}: targets under 44 px`).toEqual([]);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
  expect(serious, `${name}: accessibility violations`).toEqual([]);
  await screenshot(page, name);
}

/** Creates a person as the admin; their email. */
async function createPerson(page: Page): Promise<string> {
  const email = `screens-${randomUUID().slice(0, 8)}@example.com`;
  const response = await page.request.post("/api/users", { data: { email, password: PERSON_PASSWORD } });
  expect(response.status()).toBe(201);
  return email;
}

async function visitEveryScreen(browser: Browser, theme: (typeof THEMES)[number], size: keyof typeof SIZES): Promise<void> {
  const phone = size === "phone";
  const context = await browser.newContext({ colorScheme: theme, viewport: SIZES[size], storageState: ADMIN_STATE, hasTouch: phone });
  const page = await context.newPage();
  const suffix = `${theme}-${size}`;

  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Your documents", exact: true })).toBeVisible();
  if (phone) {
    // The header's links wait behind the Menu button.
    await expect(page.getByRole("link", { name: "Settings" })).toBeHidden();
    await page.getByRole("button", { name: "Menu" }).click();
    await expect(page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Settings" })).toBeVisible();
    await screenshot(page, `screens-menu-${suffix}`);
    await page.getByRole("button", { name: "Menu" }).click();
    await expect(page.getByRole("link", { name: "Settings" })).toBeHidden();
  } else {
    await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
    await expect(page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Settings" })).toBeVisible();
  }
  await expect(rowById(page, pdfId).getByTestId("thumbnail")).toBeVisible();
  await checkScreen(page, `screens-library-${suffix}`, phone);

  await page.goto(`/documents/${pdfId}`);
  await expect(page.getByRole("heading", { name: "Processing history" })).toBeVisible();
  await expect(page.locator(".thumbnail-large")).toBeVisible();
  await checkScreen(page, `screens-document-${suffix}`, phone);

  await page.goto(`/documents/${randomUUID()}`);
  await checkScreen(page, `screens-not-found-${suffix}`, phone);

  await page.goto("/questions");
  await expect(page.getByRole("heading", { name: "Questions", level: 1 })).toBeVisible();
  await checkScreen(page, `screens-questions-${suffix}`, phone);

  await page.goto("/settings");
  await page.getByLabel("Token name").fill(`screens-${suffix}`);
  await page.getByRole("button", { name: "Create token" }).click();
  await expect(page.getByTestId("new-token")).toBeVisible();
  await checkScreen(page, `screens-settings-${suffix}`, phone);

  // Signed out: the sign-in page; a wrong password keeps the email and puts the cursor in the password
  // (the refused page, with its alert, is the one checked).
  const email = personEmail;
  await context.clearCookies();
  await page.goto("/login");
  await screenshot(page, `screens-login-${suffix}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "The email or the password is wrong." })).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await expect(page.getByLabel("Password")).toBeFocused();
  await checkScreen(page, `screens-login-refused-${suffix}`, phone);
  await page.getByLabel("Password").fill(PERSON_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();

  // A new person's empty library says what will happen, with an example.
  await expect(page.getByTestId("empty-library")).toContainText("No documents yet.");
  await expect(page.getByTestId("empty-library")).toContainText("Summarizing");
  await checkScreen(page, `screens-empty-library-${suffix}`, phone);

  // The queues are not theirs: an HTML page that says why, with status 403, and the way back.
  const refused = await page.goto("/admin/queues");
  expect(refused?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "The queues are for administrators" })).toBeVisible();
  await checkScreen(page, `screens-queues-refused-${suffix}`, phone);
  // Nor is the admin's thumbnail: another owner's document is not found.
  expect((await page.request.get(`/api/documents/${pdfId}/thumbnail`)).status()).toBe(404);
  await context.close();
}

test("a PDF dropped beside the zone is uploaded, with an overlay, and its thumbnail shows in the list", async ({ page }) => {
  await page.goto("/");
  const file = await uniquePdf(`screens-${run}.pdf`);
  // Dragging files over the page shows the overlay; a drop outside the zone uploads them.
  const outside = page.getByRole("heading", { name: "Summarize your documents" });
  const transfer = await page.evaluateHandle(({ name, base64 }) => {
    const items = new DataTransfer();
    items.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type: "application/pdf" }));
    return items;
  }, { name: file.name, base64: file.buffer.toString("base64") });
  // Once the page is ready, files over it bring up the overlay.
  await expect(async () => {
    await outside.dispatchEvent("dragenter", { dataTransfer: transfer });
    await expect(page.getByTestId("page-drop-overlay")).toBeVisible({ timeout: 1_000 });
  }).toPass();
  await screenshot(page, "screens-drop-overlay");
  await outside.dispatchEvent("dragover", { dataTransfer: transfer });
  let taken = false;
  const [uploaded] = await uploadAnswer(page, async () => {
    taken = await outside.evaluate((heading, items) => {
      const drop = new DragEvent("drop", { dataTransfer: items, bubbles: true, cancelable: true });
      heading.dispatchEvent(drop);
      return drop.defaultPrevented;
    }, transfer);
  });
  // The page took the drop: the browser does not open the file in place of the app.
  expect(taken).toBe(true);
  await expect(outside).toBeVisible();
  await expect(page.getByTestId("page-drop-overlay")).toHaveCount(0);
  pdfId = uploaded.id;
  personEmail = await createPerson(page);
  const row = rowById(page, pdfId);
  await expect(row).toHaveAttribute("data-status", "done", { timeout: 60_000 });
  // A title of its own (once its text is read), so other specs' rows of "The graphicx package" stay one each.
  expect((await page.request.patch(`/api/documents/${pdfId}`, { data: { title: `screens-${run}` } })).status()).toBe(200);
  const thumbnail = row.getByTestId("thumbnail");
  await expect(thumbnail).toBeVisible();
  expect(await thumbnail.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
  const answer = await page.request.get(`/api/documents/${pdfId}/thumbnail`);
  expect([answer.status(), answer.headers()["content-type"]]).toEqual([200, "image/png"]);

  // Dropping the same file again: the notice links to the document it already is.
  const again = test.info().outputPath(file.name);
  await writeFile(again, file.buffer);
  await dropFiles(page, page.getByTestId("drop-zone"), [again]);
  await expect(page.getByTestId("duplicate-notice").getByRole("link", { name: `“${file.name}”` })).toHaveAttribute("href", `/documents/${pdfId}`);
});

for (const theme of THEMES) {
  for (const size of Object.keys(SIZES) as (keyof typeof SIZES)[]) {
    test(`every screen, ${theme}, ${size}`, async ({ browser }) => {
      expect(pdfId, "the PDF of the first test").not.toBe("");
      await visitEveryScreen(browser, theme, size);
    });
  }
}

test("the tab's icon, and the queue dashboard's way back to the app with no font from another site", async ({ page, baseURL }) => {
  await page.goto("/");
  const icon = await page.locator('link[rel="icon"]').first().getAttribute("href");
  expect(icon).toMatch(/^\/favicon\.ico/);
  const favicon = await page.request.get("/favicon.ico");
  expect(favicon.status()).toBe(200);
  expect((await favicon.body()).readUInt16LE(2)).toBe(1);
  expect((await page.request.get("/apple-touch-icon.png")).status()).toBe(200);

  const elsewhere: string[] = [];
  page.on("request", (request) => {
    if (new URL(request.url()).origin !== new URL(baseURL!).origin) elsewhere.push(request.url());
  });
  await page.goto("/admin/queues");
  await expect(page.getByRole("link", { name: "← Back to Docsum" })).toBeVisible();
  await screenshot(page, "screens-queues");
  expect(elsewhere).toEqual([]);
  await page.getByRole("link", { name: "← Back to Docsum" }).click();
  await expect(page.getByRole("heading", { name: "Your documents", exact: true })).toBeVisible();
});
