import { apiConfigSchema, formatConfigProblems, parseEnv } from "@kapsel/config";
import { describe, expect, it } from "vitest";

const DATABASE_URL = "postgres://localhost/kapsel";

describe("API response limits (docs/graphql.md, Limits)", () => {
  it("defaults to a 24 MiB budget per answer", () => {
    const result = parseEnv(apiConfigSchema, { DATABASE_URL });
    expect(result.ok && result.config).toMatchObject({ API_RESPONSE_BYTE_BUDGET: 24 * 1024 * 1024 });
  });

  it("takes other values, and refuses what is not a count", () => {
    const set = parseEnv(apiConfigSchema, { DATABASE_URL, API_RESPONSE_BYTE_BUDGET: "16777216" });
    expect(set.ok && set.config).toMatchObject({ API_RESPONSE_BYTE_BUDGET: 16 * 1024 * 1024 });
    const bad = parseEnv(apiConfigSchema, { DATABASE_URL, API_RESPONSE_BYTE_BUDGET: "0" });
    expect(bad.ok).toBe(false);
    const text = formatConfigProblems(bad.ok ? [] : bad.problems);
    expect(text).toContain('API_RESPONSE_BYTE_BUDGET: must be a whole number greater than 0 (got "0")');
  });
});
