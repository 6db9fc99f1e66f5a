import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CODES } from "../src/error-codes.ts";

// docs/errors.md is the contract integrators read; it must list exactly the codes the code has.
const doc = readFileSync(new URL("../../../docs/errors.md", import.meta.url), "utf8");
const documented = new Map(
  [...doc.matchAll(/^\|\s*(E\d{4})\s*\|\s*(\d{3})\s*\|\s*([a-z_]+)\s*\|/gm)].map((m) => [
    m[1]!,
    { status: Number(m[2]), name: m[3] },
  ]),
);

describe("docs/errors.md", () => {
  it("documents every error code with its status and name", () => {
    for (const [code, { status, name }] of Object.entries(ERROR_CODES)) {
      expect(documented.get(code), `${code} missing from docs/errors.md`).toEqual({ status, name });
    }
  });

  it("documents no code that does not exist", () => {
    expect([...documented.keys()].filter((code) => !(code in ERROR_CODES))).toEqual([]);
  });

  it("keeps codes in their range and names unique", () => {
    const names = Object.values(ERROR_CODES).map((e) => e.name);
    expect(new Set(names).size).toBe(names.length);
    for (const code of Object.keys(ERROR_CODES)) expect(code).toMatch(/^E[1-4]\d{3}$/);
  });
});
