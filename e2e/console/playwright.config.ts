import { defineConfig } from "@playwright/test";

// The console suite (docs/decisions/0014-playwright-runner.md): one real stack started by the
// global setup with `npm start`, the Chromium shipped by the npm package @sparticuz/chromium or
// CHROMIUM_PATH (Playwright's own download is unavailable here), one worker, no retries: a flaky
// spec gets fixed, not retried.
export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.ts",
  globalSetup: "./global-setup.ts",
  outputDir: "../../test-results/console",
  workers: 1,
  retries: 0,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: "list",
  timeout: 90_000,
  expect: { timeout: 20_000 },
  use: {
    viewport: { width: 1280, height: 800 },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Set by the global setup (browser.ts) before any worker starts; workers inherit it.
      executablePath: process.env.CHROMIUM_PATH,
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
});
