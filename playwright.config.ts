import { defineConfig } from "@playwright/test";
import { ADMIN_STATE } from "./e2e/admin";

/** Browser tests against the real stack (web + worker) that e2e/global-setup.ts starts. */
export default defineConfig({
  testDir: "e2e",
  globalSetup: "./e2e/global-setup.ts",
  workers: 1,
  fullyParallel: false,
  timeout: 120_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    // Set by the global setup; the config is read again in the worker processes, after it ran.
    baseURL: process.env.E2E_BASE_URL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  projects: [
    // A new installation's first visit creates the admin; every other spec runs signed in as them.
    { name: "first-run", testMatch: /first-run\.setup\.ts/, use: { browserName: "chromium" } },
    { name: "chromium", dependencies: ["first-run"], use: { browserName: "chromium", storageState: ADMIN_STATE } },
  ],
});
