import { describe, expect, it } from "vitest";
import { CompiledSchemaCache, checkCatalogEntry, compileEventSchema } from "../src/index.ts";

const schema = { type: "object", required: ["id"], properties: { id: { type: "integer" } } };

describe("checkCatalogEntry", () => {
  it("publishes unlisted types and types without a schema as is, refuses archived ones", () => {
    expect(checkCatalogEntry(null, "anything")).toEqual({ outcome: "ok" });
    expect(checkCatalogEntry({ archived: false, schema: null }, [1])).toEqual({ outcome: "ok" });
    const compiled = compileEventSchema(schema);
    if (!compiled.ok) throw new Error("schema refused");
    expect(checkCatalogEntry({ archived: true, schema: compiled.schema }, { id: 1 })).toEqual({ outcome: "archived" });
  });

  it("lists a violating payload's problems by path", () => {
    const compiled = compileEventSchema(schema);
    if (!compiled.ok) throw new Error("schema refused");
    expect(checkCatalogEntry({ archived: false, schema: compiled.schema }, { id: 1 })).toEqual({ outcome: "ok" });
    expect(checkCatalogEntry({ archived: false, schema: compiled.schema }, { id: "x" })).toEqual({
      outcome: "violation",
      errors: [{ path: "/id", message: expect.any(String) }],
      omitted: 0,
    });
  });
});

describe("CompiledSchemaCache", () => {
  it("compiles once per key and version, again when the version changes, and never for no schema", () => {
    let compiles = 0;
    const cache = new CompiledSchemaCache(10, (json) => {
      compiles++;
      return compileEventSchema(json);
    });
    const first = cache.get("t\na", 1, schema);
    expect(cache.get("t\na", 1, schema)).toBe(first);
    expect(compiles).toBe(1);
    cache.get("t\na", 2, schema);
    expect(compiles).toBe(2);
    expect(cache.get("t\nb", 1, null)).toEqual({ ok: true, schema: null });
    expect(compiles).toBe(2);
    expect(cache.get("t\nc", 1, { type: "object", requird: [] })).toMatchObject({ ok: false });
  });

  it("stays within its bound", () => {
    let compiles = 0;
    const cache = new CompiledSchemaCache(2, (json) => {
      compiles++;
      return compileEventSchema(json);
    });
    for (const key of ["a", "b", "c", "a"]) cache.get(key, 1, schema);
    expect(compiles).toBe(4); // "a" was dropped when the cache started over at its bound
  });
});
