import {
  apiConfigSchema,
  formatConfigProblems,
  launcherConfigSchema,
  parseEnv,
  workerConfigSchema,
} from "@kapsel/config";
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
      INGEST_API_KEY_CACHE_MS: 5000,
      INGEST_OBSERVED_TYPES_FLUSH_MS: 5000,
      ROUTING_INLINE_MAX: 32,
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
      ROUTING_INLINE_MAX: "-1",
    });
    expect(result.ok).toBe(false);
    const text = formatConfigProblems(result.ok ? [] : result.problems);
    expect(text).toContain('INGEST_PORT: must be a port number 0-65535 (got "70000")');
    expect(text).toContain('INGEST_MAX_BATCH: must be a whole number greater than 0 (got "0")');
    expect(text).toContain('(got "loud")');
    expect(text).toContain('(got "yes")');
    expect(text).toContain('ROUTING_INLINE_MAX: must be 0 or more (got "-1")');
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

describe("the private metrics listener", () => {
  // The API also needs the secrets public key; the worker ignores it.
  const base = {
    DATABASE_URL: "postgres://localhost/kapsel",
    KAPSEL_SECRETS_PUBLIC_KEY: "kapsel-secrets-public-key:v1:0011223344556677:x",
  };
  const token = "0123456789abcdef0123456789abcdef";

  it("is on loopback by default, on different ports for the worker and the API", () => {
    for (const [schema, port] of [
      [workerConfigSchema, 9464],
      [apiConfigSchema, 9465],
    ] as const) {
      const result = parseEnv(schema, base);
      expect(result.ok && result.config).toMatchObject({ METRICS_HOST: "127.0.0.1", METRICS_PORT: port });
      expect(result.ok && result.config.METRICS_TOKEN).toBeUndefined();
    }
    const launcher = parseEnv(launcherConfigSchema, {});
    expect(launcher.ok && launcher.config).toMatchObject({
      METRICS_HOST: "127.0.0.1",
      WORKER_METRICS_PORT: 9464,
      API_METRICS_PORT: 9465,
    });
  });

  it("takes a token of 32 to 256 printable characters, and never echoes a bad one", () => {
    for (const schema of [workerConfigSchema, apiConfigSchema]) {
      const good = parseEnv(schema, { ...base, METRICS_TOKEN: token });
      expect(good.ok && good.config.METRICS_TOKEN).toBe(token);
      const empty = parseEnv(schema, { ...base, METRICS_TOKEN: "" });
      expect(empty.ok && empty.config.METRICS_TOKEN).toBeUndefined();
      for (const bad of ["too-short-secret", `${token} with spaces`, "x".repeat(257)]) {
        const result = parseEnv(schema, { ...base, METRICS_TOKEN: bad });
        expect(result.ok).toBe(false);
        const text = formatConfigProblems(result.ok ? [] : result.problems);
        expect(text).toContain("METRICS_TOKEN: must be 32 to 256 printable ASCII characters");
        expect(text).not.toContain(bad);
      }
    }
  });

  it("npm start refuses one METRICS_PORT for its two processes and names the settings to use", () => {
    const result = parseEnv(launcherConfigSchema, { METRICS_PORT: "9464" });
    expect(result).toEqual({
      ok: false,
      problems: [
        'METRICS_PORT: npm start runs a worker and an API, each with its own metrics listener: set WORKER_METRICS_PORT and API_METRICS_PORT instead (got "9464")',
      ],
    });
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
    expect(result.ok && result.config.METRICS_PORT).toBe(9464);
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
