import { newId } from "@kapsel/core";
import { withTransaction } from "@kapsel/db";
import { insertTenant } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DATABASE_ROLE } from "../src/index.ts";
import { insertEventType, removeBuiltinEventTypes } from "./event-type-fixtures.ts";
import { type GraphQLHarness, OPERATOR_KEY, startGraphQL } from "./harness.ts";

// The event-type catalog through GraphQL (docs/routing.md, "Event-type catalog"): queries,
// mutations and their user errors, archiving, reserved names, audit records, isolation between
// tenants and the API role's grants, against a real database.

const FIELDS = "id name description schema archived archivedAt origin firstSeenAt lastSeenAt createdAt updatedAt";
const ERRORS =
  "userErrors { __typename code message field kapselCode ... on InvalidSchemaError { schemaErrors { path message } } }";
const CREATE = `mutation($input: CreateEventTypeInput!) { createEventType(input: $input) { eventType { ${FIELDS} } ${ERRORS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateEventTypeInput!) { updateEventType(id: $id, input: $input) { eventType { ${FIELDS} } ${ERRORS} } }`;
const ARCHIVE = `mutation($id: ID!) { archiveEventType(id: $id) { eventType { ${FIELDS} } ${ERRORS} } }`;
const UNARCHIVE = `mutation($id: ID!) { unarchiveEventType(id: $id) { eventType { ${FIELDS} } ${ERRORS} } }`;
const LIST = `query($first: Int, $after: String, $includeArchived: Boolean, $namePrefix: String) {
  eventTypes(first: $first, after: $after, includeArchived: $includeArchived, namePrefix: $namePrefix) {
    edges { cursor node { id name archived } } pageInfo { hasNextPage endCursor } } }`;
const ONE = `query($id: ID, $name: String) { eventType(id: $id, name: $name) { ${FIELDS} } }`;

const invoicePaid = {
  type: "object",
  properties: { id: { type: "string", pattern: "^in_", maxLength: 64 }, amount: { type: "integer" } },
  required: ["id"],
};

let api: GraphQLHarness;
let a: { id: string; apiKey: string };
let b: { id: string; apiKey: string };

beforeAll(async () => {
  api = await startGraphQL();
  a = await insertTenant(api.db.pool, "Tenant A");
  b = await insertTenant(api.db.pool, "Tenant B");
});
afterAll(() => api.close());

async function gql(query: string, variables: Record<string, unknown> = {}, key = a.apiKey) {
  const answer = await api.gql(query, { key, variables });
  expect(answer.body.errors, answer.text).toBeUndefined();
  return answer.body.data;
}

const auditCount = async (operation: string) =>
  (await api.db.pool.query("SELECT count(*)::int AS n FROM audit_records WHERE operation = $1", [operation])).rows[0].n;
const typeCount = async (tenantId: string) =>
  (await api.db.pool.query("SELECT count(*)::int AS n FROM event_types WHERE tenant_id = $1", [tenantId])).rows[0].n;

describe("createEventType", () => {
  it("declares a type with its schema, and records one audit record naming it", async () => {
    const before = await auditCount("createEventType");
    const { createEventType } = await gql(CREATE, {
      input: { name: "invoice.paid", description: "An invoice was paid.", schema: invoicePaid },
    });
    expect(createEventType.userErrors).toEqual([]);
    const created = createEventType.eventType;
    expect(created).toMatchObject({
      id: expect.stringMatching(/^etp_[0-9A-Z]{26}$/),
      name: "invoice.paid",
      description: "An invoice was paid.",
      schema: invoicePaid,
      archived: false,
      archivedAt: null,
      origin: "DECLARED",
      firstSeenAt: null,
      lastSeenAt: null,
    });
    expect(await auditCount("createEventType")).toBe(before + 1);
    const { rows } = await api.db.pool.query("SELECT target_id, tenant_id FROM audit_records WHERE operation = $1", [
      "createEventType",
    ]);
    expect(rows).toContainEqual({ target_id: created.id, tenant_id: a.id });
    // Stored as its compact JSON's size: what an answer is charged for it.
    const stored = await api.db.pool.query("SELECT schema_bytes FROM event_types WHERE id = $1", [created.id]);
    expect(stored.rows[0].schema_bytes).toBe(Buffer.byteLength(JSON.stringify(invoicePaid)));
  });

  it("declares a type without description or schema", async () => {
    const { createEventType } = await gql(CREATE, { input: { name: "customer.created" } });
    expect(createEventType.eventType).toMatchObject({ name: "customer.created", description: "", schema: null });
  });

  it("reports every problem at once, stores nothing and records nothing", async () => {
    const [types, audits] = [await typeCount(a.id), await auditCount("createEventType")];
    const { createEventType } = await gql(CREATE, {
      input: {
        name: "invoice..paid",
        description: "x".repeat(2001),
        schema: { type: "object", properties: { id: { type: "string", pattern: "^(a)\\1$", maxLength: 5 } } },
      },
    });
    expect(createEventType.eventType).toBeNull();
    expect(createEventType.userErrors).toEqual([
      {
        __typename: "ValidationError",
        code: "VALIDATION",
        message: "an event type name is dot-separated segments; no segment may be empty.",
        field: ["input", "name"],
        kapselCode: "E4003",
      },
      {
        __typename: "ValidationError",
        code: "VALIDATION",
        message: "description has at most 2000 characters.",
        field: ["input", "description"],
        kapselCode: "E4003",
      },
      {
        __typename: "InvalidSchemaError",
        code: "INVALID_SCHEMA",
        message: "The JSON Schema is refused (1 problem, listed in schemaErrors).",
        field: ["input", "schema"],
        kapselCode: "E4015",
        schemaErrors: [{ path: "/properties/id/pattern", message: expect.stringContaining("RE2 syntax") }],
      },
    ]);
    expect(await typeCount(a.id)).toBe(types);
    expect(await auditCount("createEventType")).toBe(audits);
  });

  it("refuses schemas Ajv or the safety rules reject, with pointers into the schema", async () => {
    const refused = async (schema: unknown) => {
      const { createEventType } = await gql(CREATE, { input: { name: "refused.schema", schema } });
      expect(createEventType.userErrors.map((e: { code: string }) => e.code)).toEqual(["INVALID_SCHEMA"]);
      return createEventType.userErrors[0].schemaErrors;
    };
    expect(await refused({ type: "object", properties: { a: { $ref: "https://evil.example/s.json" } } })).toEqual([
      { path: "/properties/a/$ref", message: expect.stringContaining("remote references are not loaded") },
    ]);
    expect(await refused({ type: "string", pattern: "^a" })).toEqual([
      { path: "", message: expect.stringContaining('"maxLength" is required with "pattern"') },
    ]);
    expect(await refused({ type: "objekt" })).toContainEqual({
      path: "/type",
      message: "must be equal to one of the allowed values",
    });
    expect(await refused("not a schema")).toEqual([{ path: "", message: expect.stringContaining("JSON object") }]);
    expect(await refused({ description: "x".repeat(70_000) })).toEqual([
      { path: "", message: "an event schema has at most 64 KiB of JSON" },
    ]);
  });

  it("refuses names reserved for Kapsel's operational events, in any letter case", async () => {
    for (const name of ["kapsel.endpoint.disabled", "Kapsel.delivery.exhausted", "KAPSEL"]) {
      const { createEventType } = await gql(CREATE, { input: { name } });
      expect(createEventType.userErrors).toEqual([
        expect.objectContaining({
          code: "VALIDATION",
          field: ["input", "name"],
          message: expect.stringContaining("reserved"),
        }),
      ]);
    }
    // Only the first segment is reserved.
    const { createEventType } = await gql(CREATE, { input: { name: "billing.kapsel.synced" } });
    expect(createEventType.userErrors).toEqual([]);
  });

  it("answers CONFLICT for a name the catalog has, archived or not", async () => {
    await insertEventType(api.db.pool, a.id, { name: "order.shipped", archived: true });
    for (const name of ["invoice.paid", "order.shipped"]) {
      const { createEventType } = await gql(CREATE, { input: { name } });
      expect(createEventType).toEqual({
        eventType: null,
        userErrors: [expect.objectContaining({ code: "CONFLICT", field: ["input", "name"], kapselCode: "E4009" })],
      });
    }
    // Names are case-sensitive, like type names everywhere.
    const { createEventType } = await gql(CREATE, { input: { name: "Invoice.paid" } });
    expect(createEventType.userErrors).toEqual([]);
  });

  it("is for tenant keys: the operator key is FORBIDDEN", async () => {
    const answer = await api.gql(CREATE, { key: OPERATOR_KEY, variables: { input: { name: "op.type" } } });
    expect(answer.body.data.createEventType).toBeNull();
    expect(answer.body.errors[0].extensions.code).toBe("FORBIDDEN");
  });
});

describe("updateEventType", () => {
  it("changes what is given, keeps what is omitted, and removes the schema with null", async () => {
    const id = await insertEventType(api.db.pool, a.id, { description: "Old", schema: { type: "object" } });
    const described = await gql(UPDATE, { id, input: { description: "New" } });
    expect(described.updateEventType.eventType).toMatchObject({ description: "New", schema: { type: "object" } });
    const reschema = await gql(UPDATE, { id, input: { schema: invoicePaid } });
    expect(reschema.updateEventType.eventType).toMatchObject({ description: "New", schema: invoicePaid });
    const removed = await gql(UPDATE, { id, input: { schema: null } });
    expect(removed.updateEventType.eventType).toMatchObject({ description: "New", schema: null });
    const { rows } = await api.db.pool.query("SELECT schema, schema_bytes FROM event_types WHERE id = $1", [id]);
    expect(rows[0]).toEqual({ schema: null, schema_bytes: null });
    const { rows: audits } = await api.db.pool.query(
      "SELECT count(*)::int AS n FROM audit_records WHERE operation = 'updateEventType' AND target_id = $1",
      [id],
    );
    expect(audits[0].n).toBe(3);
  });

  it("refuses an invalid schema and keeps the old one", async () => {
    const id = await insertEventType(api.db.pool, a.id, { schema: { type: "object" } });
    const { updateEventType } = await gql(UPDATE, { id, input: { schema: { type: "object", requird: ["id"] } } });
    expect(updateEventType.userErrors).toEqual([
      expect.objectContaining({
        code: "INVALID_SCHEMA",
        schemaErrors: [{ path: "", message: 'strict mode: unknown keyword: "requird"' }],
      }),
    ]);
    const { eventType } = await gql(ONE, { id });
    expect(eventType.schema).toEqual({ type: "object" });
  });

  it("answers NOT_FOUND for unknown and malformed ids, and CONFLICT for Kapsel's own types", async () => {
    for (const id of [newId("eventType"), "etp_nope", newId("endpoint")]) {
      const { updateEventType } = await gql(UPDATE, { id, input: { description: "x" } });
      expect(updateEventType.userErrors).toEqual([
        expect.objectContaining({ code: "NOT_FOUND", field: ["id"], message: "No event type of yours has this id." }),
      ]);
    }
    // Seeded by Kapsel with every tenant (operational events); tenants cannot change or archive them.
    const { rows } = await api.db.pool.query(
      "SELECT id FROM event_types WHERE tenant_id = $1 AND name = 'kapsel.endpoint.disabled' AND origin = 'builtin'",
      [a.id],
    );
    const system = rows[0].id;
    const update = await gql(UPDATE, { id: system, input: { description: "mine now" } });
    expect(update.updateEventType.userErrors).toEqual([expect.objectContaining({ code: "CONFLICT", field: ["id"] })]);
    const archive = await gql(ARCHIVE, { id: system });
    expect(archive.archiveEventType.userErrors).toEqual([expect.objectContaining({ code: "CONFLICT" })]);
  });
});

describe("archiving", () => {
  it("hides a type from the list until unarchived; repeating either changes nothing", async () => {
    const tenant = await insertTenant(api.db.pool, "Archiver");
    await removeBuiltinEventTypes(api.db.pool, tenant.id);
    const id = await insertEventType(api.db.pool, tenant.id, { name: "plan.changed" });
    const names = async (includeArchived?: boolean) =>
      (await gql(LIST, { includeArchived }, tenant.apiKey)).eventTypes.edges.map(
        (e: { node: { name: string } }) => e.node.name,
      );

    const archived = (await gql(ARCHIVE, { id }, tenant.apiKey)).archiveEventType.eventType;
    expect(archived).toMatchObject({ archived: true, archivedAt: expect.any(String) });
    expect(await names()).toEqual([]);
    expect(await names(true)).toEqual(["plan.changed"]);
    // Still found by id and by name.
    expect((await gql(ONE, { name: "plan.changed" }, tenant.apiKey)).eventType.archived).toBe(true);

    const again = (await gql(ARCHIVE, { id }, tenant.apiKey)).archiveEventType.eventType;
    expect(again.archivedAt).toBe(archived.archivedAt);
    expect(again.updatedAt).toBe(archived.updatedAt);

    const back = (await gql(UNARCHIVE, { id }, tenant.apiKey)).unarchiveEventType.eventType;
    expect(back).toMatchObject({ archived: false, archivedAt: null });
    expect(await names()).toEqual(["plan.changed"]);
    const twice = (await gql(UNARCHIVE, { id }, tenant.apiKey)).unarchiveEventType;
    expect(twice).toMatchObject({ userErrors: [], eventType: { archived: false, updatedAt: back.updatedAt } });
  });
});

describe("eventTypes and eventType", () => {
  it("pages newest first, filters by name prefix, and finds one by id or by name", async () => {
    const tenant = await insertTenant(api.db.pool, "Lister");
    await removeBuiltinEventTypes(api.db.pool, tenant.id);
    const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 0, minute));
    for (const [i, name] of ["invoice.paid", "invoice.voided", "invoices.bulk", "customer.created"].entries()) {
      await insertEventType(api.db.pool, tenant.id, { name, createdAt: at(i) });
    }
    const first = (await gql(LIST, { first: 3 }, tenant.apiKey)).eventTypes;
    expect(first.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual([
      "customer.created",
      "invoices.bulk",
      "invoice.voided",
    ]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = (await gql(LIST, { first: 3, after: first.pageInfo.endCursor }, tenant.apiKey)).eventTypes;
    expect(rest.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual(["invoice.paid"]);
    expect(rest.pageInfo.hasNextPage).toBe(false);

    const prefixed = (await gql(LIST, { namePrefix: "invoice." }, tenant.apiKey)).eventTypes;
    expect(prefixed.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual([
      "invoice.voided",
      "invoice.paid",
    ]);

    const byName = (await gql(ONE, { name: "invoice.paid" }, tenant.apiKey)).eventType;
    expect(byName.name).toBe("invoice.paid");
    expect((await gql(ONE, { id: byName.id }, tenant.apiKey)).eventType.name).toBe("invoice.paid");
    for (const name of ["invoice.missing", "not a name", ""]) {
      expect((await gql(ONE, { name }, tenant.apiKey)).eventType).toBeNull();
    }
  });

  it("refuses a cursor of another list, both or neither of id and name, and an overlong prefix", async () => {
    const endpointsCursor = Buffer.from(`endpoints|2026-12-01T00:00:00.000000Z|${newId("endpoint")}`).toString(
      "base64url",
    );
    for (const [query, variables] of [
      [LIST, { after: endpointsCursor }],
      [LIST, { namePrefix: "x".repeat(129) }],
      [ONE, {}],
      [ONE, { id: newId("eventType"), name: "invoice.paid" }],
    ] as const) {
      const answer = await api.gql(query, { key: a.apiKey, variables });
      expect(answer.body.errors?.[0]?.extensions?.code, answer.text).toBe("BAD_USER_INPUT");
    }
  });
});

describe("tenant isolation", () => {
  it("shows another tenant nothing of a tenant's types, by id, by name or in lists", async () => {
    const id = await insertEventType(api.db.pool, a.id, { name: "secret.thing", schema: { type: "object" } });
    const byId = await api.gql(ONE, { key: b.apiKey, variables: { id } });
    const byName = await api.gql(ONE, { key: b.apiKey, variables: { name: "secret.thing" } });
    expect(byId.body).toEqual({ data: { eventType: null } });
    expect(byName.body).toEqual({ data: { eventType: null } });
    const list = await api.gql(LIST, { key: b.apiKey, variables: { includeArchived: true, first: 100 } });
    expect(list.text).not.toContain(id);
    expect(list.text).not.toContain("secret.thing");
    for (const query of [ARCHIVE, UNARCHIVE]) {
      const answer = await api.gql(query, { key: b.apiKey, variables: { id } });
      expect(JSON.stringify(answer.body.data)).toContain('"code":"NOT_FOUND"');
    }
    // B declares the same name independently.
    const mine = await gql(CREATE, { input: { name: "secret.thing" } }, b.apiKey);
    expect(mine.createEventType.userErrors).toEqual([]);
    expect(mine.createEventType.eventType.id).not.toBe(id);
  });

  it("lets the API's role read, insert and update only its tenant's rows, and never delete", async () => {
    const id = await insertEventType(api.db.pool, a.id, { name: "rls.probe" });
    const asTenant = <T>(tenantId: string, work: (q: (sql: string, v?: unknown[]) => Promise<T>) => Promise<T>) =>
      withTransaction(api.db.pool, async (client) => {
        await client.query(`SET LOCAL ROLE ${DEFAULT_DATABASE_ROLE}`);
        await client.query("SELECT set_config('kapsel.tenant_id', $1, true)", [tenantId]);
        return work(async (sql, v) => (await client.query(sql, v)) as T);
      });
    const seen = await asTenant(b.id, async (q) => q("SELECT id FROM event_types WHERE id = $1", [id]));
    expect((seen as { rows: unknown[] }).rows).toEqual([]);
    const updated = await asTenant(b.id, async (q) =>
      q("UPDATE event_types SET description = 'b was here' WHERE origin <> 'builtin'"),
    );
    expect((updated as { rowCount: number }).rowCount).toBe(1); // B's own "secret.thing" only
    const after = await api.db.pool.query("SELECT description FROM event_types WHERE id = $1", [id]);
    expect(after.rows[0].description).toBe("");
    await expect(
      asTenant(b.id, async (q) =>
        q("INSERT INTO event_types (id, tenant_id, name, origin) VALUES ($1, $2, 'x.y', 'declared')", [
          newId("eventType"),
          a.id,
        ]),
      ),
    ).rejects.toMatchObject({ code: "42501" });
    await expect(asTenant(a.id, async (q) => q("DELETE FROM event_types WHERE id = $1", [id]))).rejects.toMatchObject({
      code: "42501",
    });
  });
});

describe("the answer's byte budget", () => {
  it("charges each schema by its size before reading it: the ones past the budget are refused", async () => {
    const small = await startGraphQL({ responseByteBudget: 80_000 });
    try {
      const tenant = await insertTenant(small.db.pool, "Big schemas");
      await removeBuiltinEventTypes(small.db.pool, tenant.id);
      const properties = Object.fromEntries(Array.from({ length: 1300 }, (_, i) => [`f${i}`, { type: "string" }]));
      const bytes = Buffer.byteLength(JSON.stringify({ type: "object", properties }));
      expect(bytes).toBeGreaterThan(30_000); // two fit in 80 000 bytes, three do not
      expect(bytes).toBeLessThan(50_000);
      for (let i = 0; i < 3; i++) {
        await insertEventType(small.db.pool, tenant.id, {
          name: `big.t${i}`,
          schema: { type: "object", properties },
          createdAt: new Date(Date.UTC(2026, 0, 1, 0, 3 - i)),
        });
      }
      const { body } = await small.gql("{ eventTypes { edges { node { name schema } } } }", { key: tenant.apiKey });
      const nodes = body.data.eventTypes.edges.map((e: { node: unknown }) => e.node);
      expect(nodes.map((n: { name: string }) => n.name)).toEqual(["big.t0", "big.t1", "big.t2"]);
      expect(nodes[0].schema.properties.f1299).toEqual({ type: "string" });
      expect(nodes[1].schema).not.toBeNull();
      expect(nodes[2].schema).toBeNull();
      expect(body.errors).toEqual([
        expect.objectContaining({
          path: ["eventTypes", "edges", 2, "node", "schema"],
          extensions: expect.objectContaining({ code: "RESPONSE_BUDGET_EXCEEDED", requestedBytes: bytes }),
        }),
      ]);
    } finally {
      await small.close();
    }
  });
});
