/**
 * A new installation: the first visit asks for the admin account, and creating it signs the
 * admin in. The browser specs then run as this admin (the saved storage state).
 */
import { expect, test as setup } from "@playwright/test";
import { ADMIN_STATE, ADMIN } from "./helpers";

setup("the first visit creates the admin account", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Create the admin account" })).toBeVisible();
  // Without the setup link's token nobody can take the new installation over: no form, a pointer to the link.
  await expect(page.getByText("Open the link that npm start printed")).toBeVisible();
  await expect(page.getByRole("button", { name: "Create admin account" })).toHaveCount(0);
  await page.goto(`/setup?token=${encodeURIComponent(process.env.E2E_SETUP_TOKEN!)}`);

  // A password that is too short is refused with a message, and nothing is created.
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("short");
  await page.getByLabel("Password").evaluate((input: HTMLInputElement) => input.removeAttribute("minlength"));
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page.getByRole("alert").filter({ hasText: /at least 8 characters/ })).toBeVisible();

  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create admin account" }).click();
  await expect(page.getByRole("heading", { name: "Your documents", exact: true })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Account" })).toContainText(ADMIN.email);

  // The first run happens once: the setup page now sends people to sign in (here: home, signed in).
  await page.goto("/setup");
  await expect(page).not.toHaveURL(/\/setup$/);
  await page.context().storageState({ path: ADMIN_STATE });
});
