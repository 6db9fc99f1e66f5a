import { apiConfigSchema, formatConfigProblems, parseEnv } from "@kapsel/config";
import { describe, expect, it } from "vitest";

const DATABASE_URL = "postgres://localhost/kapsel";
// The API needs the secrets public key (docs/security.md); its value does not matter here.
const KEY = { KAPSEL_SECRETS_PUBLIC_KEY: "kapsel-secrets-public-key:v1:0011223344556677:x" };

describe("API response limits (docs/graphql.md, Limits)", () => {
  it("defaults to a 24 MiB budget per answer and 4 heavy answers past 1 MiB, waiting 1 s for a slot", () => {
    const result = parseEnv(apiConfigSchema, { DATABASE_URL, ...KEY });
    expect(result.ok && result.config).toMatchObject({
      API_RESPONSE_BYTE_BUDGET: 24 * 1024 * 1024,
      API_HEAVY_RESPONSE_BYTES: 1024 * 1024,
      API_HEAVY_RESPONSES_CONCURRENCY: 4,
      API_HEAVY_RESPONSES_WAIT_MS: 1000,
    });
  });

  it("takes other values, a wait of 0 included, and refuses what is not a count", () => {
    const set = parseEnv(apiConfigSchema, {
      DATABASE_URL,
      ...KEY,
      API_RESPONSE_BYTE_BUDGET: "16777216",
      API_HEAVY_RESPONSES_CONCURRENCY: "1",
      API_HEAVY_RESPONSES_WAIT_MS: "0",
    });
    expect(set.ok && set.config).toMatchObject({
      API_RESPONSE_BYTE_BUDGET: 16 * 1024 * 1024,
      API_HEAVY_RESPONSES_CONCURRENCY: 1,
      API_HEAVY_RESPONSES_WAIT_MS: 0,
    });
    const bad = parseEnv(apiConfigSchema, {
      DATABASE_URL,
      ...KEY,
      API_RESPONSE_BYTE_BUDGET: "0",
      API_HEAVY_RESPONSE_BYTES: "1.5",
      API_HEAVY_RESPONSES_CONCURRENCY: "many",
      API_HEAVY_RESPONSES_WAIT_MS: "-1",
    });
    expect(bad.ok).toBe(false);
    const text = formatConfigProblems(bad.ok ? [] : bad.problems);
    expect(text).toContain('API_RESPONSE_BYTE_BUDGET: must be a whole number greater than 0 (got "0")');
    expect(text).toContain('API_HEAVY_RESPONSE_BYTES: must be a whole number greater than 0 (got "1.5")');
    expect(text).toContain('API_HEAVY_RESPONSES_CONCURRENCY: must be a whole number greater than 0 (got "many")');
    expect(text).toContain('API_HEAVY_RESPONSES_WAIT_MS: must be a whole number of milliseconds, 0 or more (got "-1")');
  });
});
