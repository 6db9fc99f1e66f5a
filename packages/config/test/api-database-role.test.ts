import { apiConfigSchema, parseEnv } from "@kapsel/config";
import { describe, expect, it } from "vitest";

const DATABASE_URL = "postgres://localhost/kapsel";
/** Required by the API (secrets at rest); its format is checked by apps/api with packages/secrets. */
const KEY = { KAPSEL_SECRETS_PUBLIC_KEY: "kapsel-secrets-public-key:v1:0011223344556677:x" };

describe("API_DATABASE_ROLE", () => {
  it("defaults to kapsel_api, the role the migrations create", () => {
    const result = parseEnv(apiConfigSchema, { ...KEY, DATABASE_URL });
    expect(result.ok && result.config.API_DATABASE_ROLE).toBe("kapsel_api");
  });

  it("may be empty (row-level security off, for measuring its cost)", () => {
    const result = parseEnv(apiConfigSchema, { ...KEY, DATABASE_URL, API_DATABASE_ROLE: "" });
    expect(result.ok && result.config.API_DATABASE_ROLE).toBe("");
  });

  it("refuses anything that is not a plain role name, and says what it got", () => {
    const result = parseEnv(apiConfigSchema, { ...KEY, DATABASE_URL, API_DATABASE_ROLE: 'x"; DROP TABLE events' });
    expect(result).toEqual({
      ok: false,
      problems: [
        'API_DATABASE_ROLE: must be a PostgreSQL role name (lower case, digits, _) or empty (got "x\\"; DROP TABLE events")',
      ],
    });
  });
});

describe("API_READ_DATABASE_URL", () => {
  it("is optional; empty means none", () => {
    const unset = parseEnv(apiConfigSchema, { ...KEY, DATABASE_URL });
    const empty = parseEnv(apiConfigSchema, { ...KEY, DATABASE_URL, API_READ_DATABASE_URL: "" });
    expect(unset.ok && unset.config.API_READ_DATABASE_URL).toBeUndefined();
    expect(empty.ok && empty.config.API_READ_DATABASE_URL).toBeUndefined();
  });

  it("takes a postgres:// URL and refuses anything else without echoing its password", () => {
    const replica = "postgres://kapsel:pw@replica:5432/kapsel";
    const ok = parseEnv(apiConfigSchema, { ...KEY, DATABASE_URL, API_READ_DATABASE_URL: replica });
    expect(ok.ok && ok.config.API_READ_DATABASE_URL).toBe(replica);
    const bad = parseEnv(apiConfigSchema, {
      ...KEY,
      DATABASE_URL,
      API_READ_DATABASE_URL: "mysql://kapsel:s3cret@replica/db",
    });
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).toContain("API_READ_DATABASE_URL");
    expect(JSON.stringify(bad)).not.toContain("s3cret");
  });
});

describe("configuration errors", () => {
  it("mask the password of a URL and withhold secret settings", () => {
    const bad = parseEnv(apiConfigSchema, { ...KEY, DATABASE_URL: "mysql://kapsel:s3cret@db/kapsel", API_PORT: "x" });
    expect(bad).toEqual({
      ok: false,
      problems: [
        'DATABASE_URL: must be a postgres:// or postgresql:// URL (got "mysql://kapsel:***@db/kapsel")',
        'API_PORT: must be a port number 0-65535 (got "x")',
      ],
    });
  });

  it("require the secrets public key, naming it without a value", () => {
    const missing = parseEnv(apiConfigSchema, { DATABASE_URL });
    expect(missing).toEqual({
      ok: false,
      problems: ["KAPSEL_SECRETS_PUBLIC_KEY: required (the public half of KAPSEL_SECRETS_KEY)"],
    });
  });
});
