/**
 * Accounts in the browser: API tokens on the settings page, an admin adding a person, that person
 * signing in to a library of their own, and signing out.
 */
import { randomUUID } from "node:crypto";
import { expect, test } from "@playwright/test";
import { screenshot } from "./helpers";

test.describe.configure({ mode: "serial" });

test("create an API token, see it once, use it, and revoke it", async ({ page, playwright, baseURL }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "API tokens" })).toBeVisible();

  const name = `script-${randomUUID().slice(0, 8)}`;
  await page.getByLabel("Token name").fill(name);
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = (await page.getByTestId("new-token").textContent())!.trim();
  expect(secret).toMatch(/^dsk_/);
  // The Copy button puts the whole secret on the clipboard.
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.getByRole("button", { name: "Copy token" }).click();
  await expect(page.getByText("Copied to the clipboard.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await expect(page.getByRole("row", { name: new RegExp(name) })).toBeVisible();
  await screenshot(page, "settings-token");

  // The token works for a script with no cookie at all.
  const script = await playwright.request.newContext({ baseURL, storageState: { cookies: [], origins: [] } });
  expect((await script.get("/api/documents", { headers: { authorization: `Bearer ${secret}` } })).status()).toBe(200);

  // After a reload the secret is gone from the page; revoking ends the token.
  await page.reload();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  // Revoke asks first: keeping it changes nothing, confirming revokes it.
  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await page.getByRole("button", { name: `Keep ${name}` }).click();
  await expect(page.getByRole("button", { name: `Revoke ${name}` })).toBeVisible();
  await page.getByRole("button", { name: `Revoke ${name}` }).click();
  await page.getByRole("button", { name: `Yes, revoke ${name}` }).click();
  await expect(page.getByRole("row", { name: new RegExp(name) })).toHaveCount(0);
  const refused = await script.get("/api/documents", { headers: { authorization: `Bearer ${secret}` } });
  expect(refused.status()).toBe(401);
  await script.dispose();
});

test("an admin adds a person, who signs in to an empty library of their own", async ({ page, browser }) => {
  // The admin has a document of their own.
  const title = `private-plan-${randomUUID().slice(0, 8)}`;
  const uploaded = await page.request.post("/api/documents", {
    multipart: { files: { name: `${title}.txt`, mimeType: "text/plain", buffer: Buffer.from(`The private plan ${title}. Nobody else reads this.`) } },
  });
  const [own] = ((await uploaded.json()) as { documents: { id: string }[] }).documents;

  await page.goto("/settings");
  const email = `reader-${randomUUID().slice(0, 8)}@example.com`;
  const form = page.getByRole("form", { name: "Add a person" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Password").fill("reader password 1");
  await form.getByRole("button", { name: "Add person" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Added ${email}` })).toBeVisible();

  // The new person, in a browser of their own, cannot get in with a wrong password.
  const context = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const reader = await context.newPage();
  await reader.goto("/");
  await expect(reader).toHaveURL(/\/login$/);
  await reader.getByLabel("Email").fill(email);
  await reader.getByLabel("Password").fill("not the password");
  await reader.getByRole("button", { name: "Sign in" }).click();
  await expect(reader.getByRole("alert").filter({ hasText: "The email or the password is wrong." })).toBeVisible();

  await reader.getByLabel("Email").fill(email);
  await reader.getByLabel("Password").fill("reader password 1");
  await reader.getByRole("button", { name: "Sign in" }).click();
  await expect(reader.getByRole("navigation", { name: "Account" })).toContainText(email);
  await expect(reader.getByText("No documents yet")).toBeVisible();
  await expect(reader.getByRole("link", { name: title })).toHaveCount(0);
  await screenshot(reader, "second-user-library");

  // The admin's document and the queues are not theirs to see.
  const foreign = await reader.goto(`/documents/${own.id}`);
  expect(foreign?.status()).toBe(404);
  const queues = await reader.request.get("/admin/queues/api/queues");
  expect(queues.status()).toBe(403);
  await expect(reader.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Queues" })).toHaveCount(0);

  // Signing out ends the session: the library asks to sign in again.
  await reader.goto("/");
  await reader.getByRole("button", { name: "Sign out" }).click();
  await expect(reader).toHaveURL(/\/login$/);
  await reader.goto("/");
  await expect(reader).toHaveURL(/\/login$/);
  await context.close();
});
