import { formatConfigProblems, launcherConfigSchema, parseEnv, workerConfigSchema } from "@kapsel/config";
import { describe, expect, it } from "vitest";

describe("worker configuration", () => {
  it("requires DATABASE_URL and says so", () => {
    const result = parseEnv(workerConfigSchema, {});
    expect(result).toEqual({ ok: false, problems: ["DATABASE_URL: is required (a postgres:// connection URL)"] });
  });

  it("applies documented defaults", () => {
    const result = parseEnv(workerConfigSchema, { DATABASE_URL: "postgres://localhost/kapsel" });
    expect(result.ok && result.config).toMatchObject({
      INGEST_HOST: "127.0.0.1",
      INGEST_PORT: 3000,
      INGEST_MAX_BODY_BYTES: 10 * 1024 * 1024,
      INGEST_ENDPOINT_CACHE_MS: 1000,
      MIGRATE_ON_START: true,
      LOG_LEVEL: "info",
    });
  });

  it("reports every bad setting with its value", () => {
    const result = parseEnv(workerConfigSchema, {
      DATABASE_URL: "postgres://x/y",
      INGEST_PORT: "70000",
      INGEST_MAX_BATCH: "0",
      LOG_LEVEL: "loud",
      MIGRATE_ON_START: "yes",
    });
    expect(result.ok).toBe(false);
    const text = formatConfigProblems(result.ok ? [] : result.problems);
    expect(text).toContain('INGEST_PORT: must be a port number 0-65535 (got "70000")');
    expect(text).toContain('INGEST_MAX_BATCH: must be a whole number greater than 0 (got "0")');
    expect(text).toContain('(got "loud")');
    expect(text).toContain('(got "yes")');
    expect(text).toContain("See docs/configuration.md.");
  });
});

describe("launcher configuration", () => {
  it("needs nothing: embedded PostgreSQL unless DATABASE_URL is set", () => {
    const result = parseEnv(launcherConfigSchema, {});
    expect(result.ok && result.config).toMatchObject({ KAPSEL_DATA_DIR: ".kapsel", INGEST_PORT: 3000 });
    expect(result.ok && result.config.DATABASE_URL).toBeUndefined();
  });
});

describe("KAPSEL_ROLES", () => {
  const base = { DATABASE_URL: "postgres://localhost/kapsel" };

  it("runs every role by default", () => {
    const result = parseEnv(workerConfigSchema, base);
    expect(result.ok && result.config.KAPSEL_ROLES).toMatchObject({
      all: true,
      ingest: true,
      deliver: true,
      attest: true,
    });
    expect(result.ok && result.config.METRICS_PORT).toBeUndefined();
  });

  it("takes a comma list, case and spaces aside", () => {
    const result = parseEnv(workerConfigSchema, { ...base, KAPSEL_ROLES: " Deliver, attest " });
    expect(result.ok && result.config.KAPSEL_ROLES).toMatchObject({
      all: false,
      ingest: false,
      deliver: true,
      attest: true,
      api: false,
      names: ["deliver", "attest"],
    });
  });

  it("treats a list naming every role as all", () => {
    const result = parseEnv(launcherConfigSchema, { KAPSEL_ROLES: "console,api,attest,deliver,ingest" });
    expect(result.ok && result.config.KAPSEL_ROLES.all).toBe(true);
  });

  it("refuses unknown and empty role lists", () => {
    for (const value of ["ingest,delivery", ","]) {
      const result = parseEnv(workerConfigSchema, { ...base, KAPSEL_ROLES: value });
      expect(result).toEqual({
        ok: false,
        problems: [
          `KAPSEL_ROLES: must be a comma-separated list of ingest, deliver, attest, api, console, or all (got ${JSON.stringify(value)})`,
        ],
      });
    }
  });
});
