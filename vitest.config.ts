import { defineConfig } from "vitest/config";

// Pure unit tests run without infrastructure; "db" tests share one embedded PostgreSQL server
// started once per run by the global setup (each file gets its own database); "e2e" tests start
// the real processes themselves.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: [
            "packages/*/test/**/*.test.ts",
            "apps/*/test/**/*.test.ts",
            "apps/*/test/**/*.test.tsx",
            "bench/test/**/*.test.ts",
          ],
          exclude: ["**/*.db.test.ts", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "db",
          include: ["packages/*/test/**/*.db.test.ts", "apps/*/test/**/*.db.test.ts"],
          globalSetup: ["./test-support/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Whole-system scenarios: each starts the processes it needs, as a user would.
        test: {
          name: "e2e",
          include: ["e2e/**/*.e2e.test.ts"],
          // The console is built once here, so no `npm start` in a test waits for `next build`.
          globalSetup: ["./test-support/global-setup.ts", "./e2e/console/prebuild-console.ts"],
          testTimeout: 180_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
