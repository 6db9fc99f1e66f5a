import { apiConfigSchema, parseEnv } from "@kapsel/config";
import { describe, expect, it } from "vitest";

const DATABASE_URL = "postgres://localhost/kapsel";

describe("API_DATABASE_ROLE", () => {
  it("defaults to kapsel_api, the role the migrations create", () => {
    const result = parseEnv(apiConfigSchema, { DATABASE_URL });
    expect(result.ok && result.config.API_DATABASE_ROLE).toBe("kapsel_api");
  });

  it("may be empty (row-level security off, for measuring its cost)", () => {
    const result = parseEnv(apiConfigSchema, { DATABASE_URL, API_DATABASE_ROLE: "" });
    expect(result.ok && result.config.API_DATABASE_ROLE).toBe("");
  });

  it("refuses anything that is not a plain role name, and says what it got", () => {
    const result = parseEnv(apiConfigSchema, { DATABASE_URL, API_DATABASE_ROLE: 'x"; DROP TABLE events' });
    expect(result).toEqual({
      ok: false,
      problems: [
        'API_DATABASE_ROLE: must be a PostgreSQL role name (lower case, digits, _) or empty (got "x\\"; DROP TABLE events")',
      ],
    });
  });
});
