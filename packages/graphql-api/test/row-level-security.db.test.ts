import { newId } from "@kapsel/core";
import { createPool, type Pool, withTransaction } from "@kapsel/db";
import { silentLogger } from "@kapsel/logger";
import {
  createTestDatabase,
  insertEndpoint,
  insertEvents,
  insertTenant,
  type TestDatabase,
  testSecrets,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDatabaseRole, createGraphQLApi, DEFAULT_DATABASE_ROLE, tenantScopedPool } from "../src/index.ts";
import { databaseFor } from "../src/tenancy/caller-database.ts";
import { startGraphQL } from "./harness.ts";

// Row-level security (migration 20261123080000, decision 0017): the API's tenant statements run as
// kapsel_api with kapsel.tenant_id set, and a statement that forgets its tenant filter still sees
// only the caller's rows. The fixtures are written as the login user (the tables' owner).

/** Every tenant-owned table and the column that says whose a row is. */
const TENANT_TABLES = {
  tenants: "id",
  api_keys: "tenant_id",
  endpoints: "tenant_id",
  sources: "tenant_id",
  events: "tenant_id",
  deliveries: "tenant_id",
  delivery_attempts: "tenant_id",
  circuit_breakers: "endpoint_id",
  circuit_breaker_transitions: "endpoint_id",
  idempotency_keys: "source_id",
  ingest_rate_buckets: "tenant_id",
  audit_records: "tenant_id",
  event_types: "tenant_id",
  subscriptions: "tenant_id",
  routing_backlog: "tenant_id",
} as const;
type TenantTable = keyof typeof TENANT_TABLES;
const TABLES = Object.keys(TENANT_TABLES) as TenantTable[];
/**
 * Tables the API never uses: not granted to kapsel_api; each test database grants them to itself.
 * Empty since publishEvent stores events with ingest's statement: it claims idempotency keys
 * (20261203220000_publish_api) and may write a routing_backlog row (20261203250000).
 */
const NOT_GRANTED: TenantTable[] = [];

interface Seeded {
  tenantId: string;
  endpointId: string;
  sourceId: string;
}

/** One row of the tenant in every tenant-owned table. */
async function seedTenant(pool: Pool, name: string): Promise<Seeded> {
  const tenant = await insertTenant(pool, name);
  const endpoint = await insertEndpoint(pool, tenant.id);
  const [eventId] = await insertEvents(pool, endpoint, 1, new Date());
  await pool.query(
    `INSERT INTO delivery_attempts (id, event_id, delivery_id, tenant_id, endpoint_id, attempt_number, worker_id,
                                    started_at, duration_ms, request_url, request_headers, result)
     SELECT $1, $2, d.id, $3, $4, 1, 'test', now(), 5, 'http://127.0.0.1:9/webhook', '{}', 'success'
       FROM deliveries d WHERE d.event_id = $2`,
    [newId("attempt"), eventId, tenant.id, endpoint.id],
  );
  await pool.query("INSERT INTO circuit_breakers (endpoint_id) VALUES ($1)", [endpoint.id]);
  await pool.query(
    "INSERT INTO circuit_breaker_transitions (endpoint_id, from_state, to_state, reason) VALUES ($1, 'closed', 'open', 'test')",
    [endpoint.id],
  );
  await pool.query("INSERT INTO idempotency_keys (source_id, key, event_id) VALUES ($1, 'k', $2)", [
    endpoint.sourceId,
    eventId,
  ]);
  await pool.query("INSERT INTO routing_backlog (event_id, tenant_id) VALUES ($1, $2)", [eventId, tenant.id]);
  await pool.query("INSERT INTO ingest_rate_buckets (tenant_id, tokens, refilled_at) VALUES ($1, 1, now())", [
    tenant.id,
  ]);
  await pool.query(
    `INSERT INTO audit_records (id, tenant_id, actor, operation, target_id, at, after_sha256, secret)
     VALUES ($1, $2, 'operator', 'createTenant', $2, now(), sha256('x'), 'rotated')`,
    [newId("audit"), tenant.id],
  );
  await pool.query(
    "INSERT INTO event_types (id, tenant_id, name, origin) VALUES ($1, $2, 'invoice.paid', 'declared')",
    [newId("eventType"), tenant.id],
  );
  return { tenantId: tenant.id, endpointId: endpoint.id, sourceId: endpoint.sourceId };
}

const ownerOf = (table: TenantTable, seeded: Seeded) =>
  ({ endpoint_id: seeded.endpointId, source_id: seeded.sourceId, tenant_id: seeded.tenantId, id: seeded.tenantId })[
    TENANT_TABLES[table]
  ];

/** The owner column of every row of `table` the pool can see, with no filter at all. */
async function visibleOwners(db: Pool, table: TenantTable): Promise<string[]> {
  const { rows } = await db.query<{ owner: string }>(`SELECT ${TENANT_TABLES[table]} AS owner FROM ${table}`);
  return [...new Set(rows.map((r) => r.owner))].sort();
}

/** As kapsel_api with no tenant set (a request that skipped the setting). */
async function ownersWithoutTenant(pool: Pool, table: TenantTable): Promise<string[]> {
  return withTransaction(pool, async (client) => {
    await client.query(`SET LOCAL ROLE ${DEFAULT_DATABASE_ROLE}`);
    const { rows } = await client.query<{ owner: string }>(`SELECT ${TENANT_TABLES[table]} AS owner FROM ${table}`);
    return rows.map((r) => r.owner);
  });
}

async function grantUnusedTables(pool: Pool): Promise<void> {
  // Privileges are per database: this grant exists only in the test's own database.
  if (NOT_GRANTED.length > 0) await pool.query(`GRANT SELECT ON ${NOT_GRANTED.join(", ")} TO ${DEFAULT_DATABASE_ROLE}`);
}

let db: TestDatabase;
let a: Seeded;
let b: Seeded;
let asA: Pool;

/** Exactly the database the API gives a request authenticated with one of A's keys. */
const callerA = () =>
  databaseFor(db.pool, { role: "tenant", tenantId: a.tenantId, apiKeyId: "unused" }, DEFAULT_DATABASE_ROLE, undefined);

beforeAll(async () => {
  db = await createTestDatabase();
  a = await seedTenant(db.pool, "Tenant A");
  b = await seedTenant(db.pool, "Tenant B");
  await grantUnusedTables(db.pool);
  asA = callerA().db;
});
afterAll(async () => {
  await db.drop();
});

describe("row-level security on the API's role", () => {
  it("covers every table with a tenant_id, endpoint_id or source_id column, and only the public log's hashes are readable without it", async () => {
    const { rows } = await db.pool.query<{ relname: string; rls: boolean; policy: boolean }>(
      `SELECT c.relname, c.relrowsecurity AS rls,
              EXISTS (SELECT 1 FROM pg_policy p
                       WHERE p.polrelid = c.oid AND $1::regrole = ANY (p.polroles)) AS policy
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r'
          AND (c.relname = 'tenants' OR EXISTS (
                SELECT 1 FROM pg_attribute a
                 WHERE a.attrelid = c.oid AND a.attname IN ('tenant_id', 'endpoint_id', 'source_id')
                   AND NOT a.attisdropped))
        ORDER BY c.relname`,
      [DEFAULT_DATABASE_ROLE],
    );
    // A new tenant-owned table must get a policy in its migration and a row in TENANT_TABLES.
    expect(rows.map((r) => r.relname)).toEqual([...TABLES].sort());
    expect(rows.filter((r) => !r.rls || !r.policy)).toEqual([]);

    const readable = await db.pool.query<{ relname: string }>(
      `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind = 'r' AND NOT c.relrowsecurity
          AND has_any_column_privilege($1, c.oid, 'SELECT')
        ORDER BY c.relname`,
      [DEFAULT_DATABASE_ROLE],
    );
    expect(readable.rows.map((r) => r.relname)).toEqual(["attestation_keys", "merkle_nodes", "signed_tree_heads"]);
  });

  it("shows the API's role only the caller's leaves of the log: a leaf names its tenant, endpoint and URL", async () => {
    const leafOf = async (seeded: Seeded, index: number) => {
      const { rows } = await db.pool.query<{ id: string }>("SELECT id FROM delivery_attempts WHERE tenant_id = $1", [
        seeded.tenantId,
      ]);
      await db.pool.query(
        "INSERT INTO merkle_leaves (leaf_index, attempt_id, leaf, leaf_hash) VALUES ($1, $2, $3, sha256($3))",
        [index, rows[0]!.id, Buffer.from(`{"tenant_id":"${seeded.tenantId}"}`)],
      );
      return rows[0]!.id;
    };
    const [leafA, leafB] = [await leafOf(a, 1_000_000), await leafOf(b, 1_000_001)];
    const { rows: owner } = await db.pool.query("SELECT attempt_id FROM merkle_leaves ORDER BY leaf_index");
    expect(owner.map((r) => r.attempt_id)).toEqual(expect.arrayContaining([leafA, leafB]));
    const { rows: seen } = await asA.query("SELECT attempt_id FROM merkle_leaves");
    expect(seen.map((r) => r.attempt_id)).toEqual([leafA]);
    expect(
      await withTransaction(db.pool, async (client) => {
        await client.query(`SET LOCAL ROLE ${DEFAULT_DATABASE_ROLE}`);
        return (await client.query("SELECT count(*)::int AS n FROM merkle_leaves")).rows[0].n;
      }),
    ).toBe(0);
  });

  it.each(TABLES)("a query on %s without a tenant filter sees only the caller's rows", async (table) => {
    // As the owner, both tenants' rows are there: the filter below is the policy's doing.
    expect(await visibleOwners(db.pool, table)).toEqual([ownerOf(table, a), ownerOf(table, b)].sort());
    // A mutation's statements (a transaction each) and a query operation's (one shared read-only one).
    expect(await visibleOwners(asA, table)).toEqual([ownerOf(table, a)]);
    const reading = callerA();
    reading.session?.pin();
    try {
      expect(await visibleOwners(reading.db, table)).toEqual([ownerOf(table, a)]);
    } finally {
      await reading.session?.finish();
    }
  });

  it.each(TABLES)("with no tenant set, %s shows nothing", async (table) => {
    expect(await ownersWithoutTenant(db.pool, table)).toEqual([]);
  });

  it("refuses writes for another tenant and leaves its rows untouched", async () => {
    const insertForB = asA.query(
      "INSERT INTO endpoints (id, tenant_id, url, signing_secret) VALUES ($1, $2, 'http://127.0.0.1:9/x', $3)",
      [newId("endpoint"), b.tenantId, testSecrets.seal("whsec_x")],
    );
    await expect(insertForB).rejects.toMatchObject({ code: "42501" });
    const transitionForB = asA.query(
      "INSERT INTO circuit_breaker_transitions (endpoint_id, from_state, to_state, reason) VALUES ($1, 'open', 'closed', 'x')",
      [b.endpointId],
    );
    await expect(transitionForB).rejects.toMatchObject({ code: "42501" });
    // Moving A's own row to B is refused too (WITH CHECK).
    await expect(asA.query("UPDATE endpoints SET tenant_id = $1", [b.tenantId])).rejects.toMatchObject({
      code: "42501",
    });
    // Unfiltered updates reach A's rows only.
    const deliveries = await asA.query("UPDATE deliveries SET last_error = 'touched by A'");
    expect(deliveries.rowCount).toBe(1);
    // Events are write-once (decision 0024): the API's role may insert and read them, never update.
    await expect(asA.query("UPDATE events SET content_type = 'text/plain'")).rejects.toMatchObject({ code: "42501" });
    const breakers = await asA.query("UPDATE circuit_breakers SET window_failures = 7");
    expect(breakers.rowCount).toBe(1);
    const untouched = await db.pool.query(
      `SELECT (SELECT last_error FROM deliveries WHERE tenant_id = $1) AS last_error,
              (SELECT window_failures FROM circuit_breakers WHERE endpoint_id = $2) AS failures`,
      [b.tenantId, b.endpointId],
    );
    expect(untouched.rows[0]).toEqual({ last_error: null, failures: 0 });
  });

  it("withTransaction through the tenant's pool runs as the role, with the tenant set", async () => {
    const seen = await withTransaction(asA, async (client) => {
      const { rows } = await client.query(
        "SELECT current_user AS who, current_setting('kapsel.tenant_id', true) AS tenant, (SELECT count(*)::int FROM tenants) AS tenants",
      );
      return rows[0];
    });
    expect(seen).toEqual({ who: DEFAULT_DATABASE_ROLE, tenant: a.tenantId, tenants: 1 });
  });

  it("key hashes are not readable by the API's role", async () => {
    await expect(asA.query("SELECT key_hash FROM api_keys")).rejects.toMatchObject({ code: "42501" });
  });

  it("gives connections back to the pool with neither the role nor the tenant, even after a failed statement", async () => {
    const one = createPool({ connectionString: db.url, max: 1 });
    try {
      const login = (await one.query("SELECT current_user AS who")).rows[0].who;
      const scoped = tenantScopedPool(one, { role: DEFAULT_DATABASE_ROLE, tenantId: a.tenantId });
      await expect(scoped.query("SELECT no_such_column FROM events")).rejects.toMatchObject({ code: "42703" });
      await expect(withTransaction(scoped, async () => Promise.reject(new Error("work failed")))).rejects.toThrow(
        "work failed",
      );
      const { rows } = await one.query(
        "SELECT current_user AS who, coalesce(current_setting('kapsel.tenant_id', true), '') AS tenant, (SELECT count(*)::int FROM tenants) AS tenants",
      );
      expect(rows[0]).toEqual({ who: login, tenant: "", tenants: 2 });
    } finally {
      await one.end();
    }
  });
});

describe("a query operation's session", () => {
  it("shares one read-only transaction, survives a failed statement, and gives back a clean connection", async () => {
    const one = createPool({ connectionString: db.url, max: 1 });
    try {
      const login = (await one.query("SELECT current_user AS who")).rows[0].who;
      const { db: reading, session } = databaseFor(
        one,
        { role: "tenant", tenantId: a.tenantId, apiKeyId: "unused" },
        DEFAULT_DATABASE_ROLE,
        undefined,
      );
      session!.pin();
      const started = "SELECT statement_timestamp() AS at, transaction_timestamp() AS tx, current_user AS who";
      // Sent together, as a DataLoader batch and a sibling field would: queued on one connection.
      const [first, second] = await Promise.all([reading.query(started), reading.query(started)]);
      expect(second.rows[0].tx).toEqual(first.rows[0].tx);
      expect(first.rows[0].who).toBe(DEFAULT_DATABASE_ROLE);
      await expect(reading.query("UPDATE deliveries SET last_error = 'x'")).rejects.toMatchObject({ code: "25006" });
      const after = await reading.query("SELECT count(*)::int AS n FROM tenants");
      expect(after.rows[0].n).toBe(1);
      await session!.finish();
      const { rows } = await one.query(
        "SELECT current_user AS who, coalesce(current_setting('kapsel.tenant_id', true), '') AS tenant, (SELECT count(*)::int FROM tenants) AS tenants",
      );
      expect(rows[0]).toEqual({ who: login, tenant: "", tenants: 2 });
      // After finish, statements still run under row-level security, each in its own transaction.
      expect((await reading.query("SELECT count(*)::int AS n FROM tenants")).rows[0].n).toBe(1);
    } finally {
      await one.end();
    }
  });
});

describe("the start-up check of API_DATABASE_ROLE", () => {
  it("accepts kapsel_api and refuses a role that bypasses row-level security or does not exist", async () => {
    expect(await checkDatabaseRole(db.pool, DEFAULT_DATABASE_ROLE)).toEqual({ ok: true });
    // The test cluster's login user is a superuser, like the embedded PostgreSQL's.
    const login: string = (await db.pool.query("SELECT current_user AS who")).rows[0].who;
    const superuser = await checkDatabaseRole(db.pool, login);
    expect(superuser).toMatchObject({ ok: false, problem: expect.stringContaining(`does not apply to ${login}`) });
    const missing = await checkDatabaseRole(db.pool, "kapsel_no_such_role");
    expect(missing).toMatchObject({
      ok: false,
      problem: expect.stringContaining("cannot SET ROLE kapsel_no_such_role"),
    });
    await expect(
      createGraphQLApi({
        pool: db.pool,
        logger: silentLogger(),
        secretSealer: testSecrets,
        databaseRole: "kapsel_no_such_role",
      }),
    ).rejects.toThrow("API_DATABASE_ROLE");
  });
});

// The tests above must be able to fail: in a database of its own, remove one table's protection
// and the same checks see the difference.
describe("without its policy", () => {
  let own: TestDatabase;
  beforeAll(async () => {
    own = await createTestDatabase();
  });
  afterAll(async () => {
    await own.drop();
  });

  it("a table whose policy is dropped shows A nothing (default deny), and one without RLS leaks B's rows", async () => {
    const ownA = await seedTenant(own.pool, "A");
    const ownB = await seedTenant(own.pool, "B");
    const scoped = tenantScopedPool(own.pool, { role: DEFAULT_DATABASE_ROLE, tenantId: ownA.tenantId });
    expect(await visibleOwners(scoped, "events")).toEqual([ownA.tenantId]);
    await own.pool.query("DROP POLICY tenant_isolation ON events");
    expect(await visibleOwners(scoped, "events")).toEqual([]);
    await own.pool.query("ALTER TABLE endpoints DISABLE ROW LEVEL SECURITY");
    expect(await visibleOwners(scoped, "endpoints")).toEqual([ownA.tenantId, ownB.tenantId].sort());
  });
});

describe("GraphQL requests", () => {
  it("run under row-level security by default, and bypass it only with an empty role", async () => {
    // With the tenants policy gone, kapsel_api sees no tenant: the viewer query (whose SQL does
    // filter by the caller's tenant) finds nothing. Without the role switch it finds its tenant.
    const viewer = "{ viewer { name } }";
    for (const [databaseRole, expected] of [
      [undefined, { data: { viewer: null }, code: "UNAUTHENTICATED" }],
      ["", { data: { viewer: { name: "RLS" } }, code: undefined }],
    ] as const) {
      const api = await startGraphQL(databaseRole === undefined ? {} : { databaseRole });
      try {
        const tenant = await insertTenant(api.db.pool, "RLS");
        expect((await api.gql(viewer, { key: tenant.apiKey })).body.data).toEqual({ viewer: { name: "RLS" } });
        await api.db.pool.query("DROP POLICY tenant_isolation ON tenants");
        const { body } = await api.gql(viewer, { key: tenant.apiKey });
        expect({ data: body.data, code: body.errors?.[0]?.extensions?.code }).toEqual(expected);
      } finally {
        await api.close();
      }
    }
  });
});
