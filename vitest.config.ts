import { defineConfig } from "vitest/config";

// Two projects: pure unit tests run without infrastructure; "db" tests share one embedded
// PostgreSQL server started once per run by the global setup (each file gets its own database).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["packages/*/test/**/*.test.ts", "apps/*/test/**/*.test.ts"],
          exclude: ["**/*.db.test.ts", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "db",
          include: ["packages/*/test/**/*.db.test.ts", "apps/*/test/**/*.db.test.ts", "e2e/**/*.db.test.ts"],
          globalSetup: ["./test-support/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
