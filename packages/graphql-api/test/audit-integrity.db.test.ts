// The audit log's guarantees beyond coverage (audit-coverage.db.test.ts): a change and its record
// commit together or not at all; the stored row cannot be changed, and if it is anyway (a superuser
// bypassing the triggers), the receipt still proves the original; tenants see only their own
// records, the operator all; the list filters and pages.
import { encodeAuditLeaf, verifyReceipt } from "@kapsel/attestation";
import { withTransaction } from "@kapsel/db";
import { insertEndpoint, insertTenant } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DATABASE_ROLE, tenantScopedPool } from "../src/index.ts";
import { commitAll, type GraphQLHarness, OPERATOR_KEY, registerLogSigner, startGraphQL } from "./harness.ts";

let api: GraphQLHarness;
let a: { id: string; apiKey: string };
let b: { id: string; apiKey: string };

beforeAll(async () => {
  api = await startGraphQL();
  a = await insertTenant(api.db.pool, "Acme");
  b = await insertTenant(api.db.pool, "Globex");
});
afterAll(() => api.close());

const RENAME = `mutation($id: ID!, $name: String!) { updateEndpoint(id: $id, input: { name: $name }) {
  endpoint { id name } userErrors { code } } }`;
const LIST = `query($filter: AuditLogFilter, $after: String, $first: Int) { auditLog(first: $first, after: $after, filter: $filter) {
  edges { node { id tenantId actor operation targetId at beforeSha256 afterSha256 rotated leafIndex } }
  pageInfo { hasNextPage endCursor } } }`;

async function endpointName(id: string): Promise<string> {
  return (await api.db.pool.query("SELECT name FROM endpoints WHERE id = $1", [id])).rows[0].name;
}

const recordsOf = async (targetId: string): Promise<number> =>
  (await api.db.pool.query("SELECT count(*)::int AS n FROM audit_records WHERE target_id = $1", [targetId])).rows[0].n;

describe("a change and its audit record", () => {
  it("commit in one transaction: when the record cannot be written, the change is rolled back", async () => {
    const endpoint = await insertEndpoint(api.db.pool, a.id);
    await api.db.pool.query(`CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$`);
    await api.db.pool.query(
      "CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_records FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()",
    );
    try {
      const { body } = await api.gql(RENAME, { key: a.apiKey, variables: { id: endpoint.id, name: "Renamed" } });
      expect(body.errors?.[0]?.extensions?.code).toBe("INTERNAL_SERVER_ERROR");
      expect(await endpointName(endpoint.id)).not.toBe("Renamed");
    } finally {
      await api.db.pool.query("DROP TRIGGER test_refuse_audit ON audit_records; DROP FUNCTION test_refuse_audit()");
    }
    const { body, text } = await api.gql(RENAME, { key: a.apiKey, variables: { id: endpoint.id, name: "Renamed" } });
    expect(body.data.updateEndpoint.userErrors, text).toEqual([]);
    expect(await endpointName(endpoint.id)).toBe("Renamed");
    expect(await recordsOf(endpoint.id)).toBe(1);
  });

  it("a mutation answered with user errors changes nothing and records nothing", async () => {
    const endpoint = await insertEndpoint(api.db.pool, a.id);
    const { body } = await api.gql(RENAME, { key: a.apiKey, variables: { id: endpoint.id, name: "" } });
    expect(body.data.updateEndpoint.userErrors).not.toEqual([]);
    // Another tenant's endpoint: NOT_FOUND, and no record under either tenant.
    const other = await api.gql(RENAME, { key: b.apiKey, variables: { id: endpoint.id, name: "Mine" } });
    expect(other.body.data.updateEndpoint.userErrors).toEqual([{ code: "NOT_FOUND" }]);
    expect(await recordsOf(endpoint.id)).toBe(0);
  });

  it("the configuration digests change with the configuration and never with a secret", async () => {
    const endpoint = await insertEndpoint(api.db.pool, a.id);
    await api.gql(RENAME, { key: a.apiKey, variables: { id: endpoint.id, name: "First" } });
    await api.gql(
      `mutation($id: ID!) { rotateEndpointSecret(id: $id, kind: SIGNING, graceHours: 0) { userErrors { code } } }`,
      { key: a.apiKey, variables: { id: endpoint.id } },
    );
    const { body } = await api.gql(LIST, { key: a.apiKey, variables: { filter: { targetId: endpoint.id } } });
    const [rotation, rename] = body.data.auditLog.edges.map((e: { node: Record<string, string> }) => e.node);
    expect(rename).toMatchObject({ operation: "updateEndpoint", rotated: false });
    expect(rename.beforeSha256).not.toBe(rename.afterSha256);
    expect(rotation).toMatchObject({ operation: "rotateEndpointSecret", rotated: true });
    // The signing secret changed, the configuration did not: the history chains.
    expect(rotation.beforeSha256).toBe(rename.afterSha256);
    expect(rotation.afterSha256).toBe(rotation.beforeSha256);
  });
});

describe("tampering", () => {
  it("the database refuses to change or delete an audit record, even for the owner", async () => {
    await expect(api.db.pool.query("UPDATE audit_records SET actor = 'someone else'")).rejects.toThrow(/append-only/);
    await expect(api.db.pool.query("DELETE FROM audit_records")).rejects.toThrow(/append-only/);
    // kapsel_api has no UPDATE or DELETE on it at all.
    const asA = tenantScopedPool(api.db.pool, { role: DEFAULT_DATABASE_ROLE, tenantId: a.id });
    await expect(asA.query("UPDATE audit_records SET actor = 'x'")).rejects.toMatchObject({ code: "42501" });
  });

  it("a row altered by a superuser bypassing the triggers does not change what the receipt proves", async () => {
    const endpoint = await insertEndpoint(api.db.pool, a.id);
    await api.gql(RENAME, { key: a.apiKey, variables: { id: endpoint.id, name: "Audited" } });
    const signer = await registerLogSigner(api.db.pool);
    await commitAll(api.db.pool, signer);
    const trusted = [(await api.db.pool.query("SELECT verifier_key FROM attestation_keys")).rows[0].verifier_key];
    const query = `query($t: ID!) { auditLog(filter: { targetId: $t }) { edges { node { id actor at beforeSha256
      afterSha256 tenantId operation targetId receipt { json } } } } }`;
    const read = async () =>
      (await api.gql(query, { key: a.apiKey, variables: { t: endpoint.id } })).body.data.auditLog.edges[0].node;
    const original = await read();

    await withTransaction(api.db.pool, async (client) => {
      await client.query("SET LOCAL session_replication_role = replica"); // superuser: triggers off
      await client.query("UPDATE audit_records SET actor = 'key_01FORGED000000000000000000' WHERE id = $1", [
        original.id,
      ]);
    });
    const altered = await read();
    expect(altered.actor).toBe("key_01FORGED000000000000000000");

    // The receipt is built from the committed leaf: it still verifies, and it names the real actor.
    const verdict = verifyReceipt(altered.receipt.json, { trustedKeys: trusted });
    expect(verdict.ok).toBe(true);
    expect(verdict.auditLeaf?.actor).toBe(original.actor);
    expect(verdict.auditLeaf?.actor).not.toBe(altered.actor);
    // A receipt whose leaf is re-encoded from the altered row is caught: its leaf hash commits to the original.
    const forgedLeaf = new TextDecoder().decode(
      encodeAuditLeaf({
        audit_id: altered.id,
        tenant_id: altered.tenantId,
        actor: altered.actor,
        operation: altered.operation,
        target_id: altered.targetId,
        at: altered.at,
        before_sha256: altered.beforeSha256,
        after_sha256: altered.afterSha256,
        secret: "unchanged",
      }),
    );
    const forged = { ...JSON.parse(altered.receipt.json), leaf: forgedLeaf };
    const caught = verifyReceipt(forged, { trustedKeys: trusted });
    expect(caught.ok).toBe(false);
    expect(caught.checks.filter((c) => c.status !== "pass").map((c) => c.name)).toEqual(["leaf_hash"]);
  });
});

describe("auditLog", () => {
  it("a tenant sees only its own records, the operator every tenant's", async () => {
    const endpointB = await insertEndpoint(api.db.pool, b.id);
    await api.gql(RENAME, { key: b.apiKey, variables: { id: endpointB.id, name: "B's" } });
    const tenantsIn = async (key: string, filter?: unknown) => {
      const { body, text } = await api.gql(LIST, { key, variables: { first: 100, filter } });
      expect(body.errors, text).toBeUndefined();
      return [...new Set(body.data.auditLog.edges.map((e: { node: { tenantId: string } }) => e.node.tenantId))].sort();
    };
    expect(await tenantsIn(a.apiKey)).toEqual([a.id]);
    expect(await tenantsIn(b.apiKey)).toEqual([b.id]);
    expect(await tenantsIn(OPERATOR_KEY)).toEqual([a.id, b.id].sort());
    expect(await tenantsIn(OPERATOR_KEY, { tenantId: b.id })).toEqual([b.id]);
    // A tenant cannot see another tenant's records, by filter or by target id: both find nothing.
    expect(await tenantsIn(a.apiKey, { tenantId: b.id })).toEqual([]);
    expect(await tenantsIn(a.apiKey, { tenantId: a.id })).toEqual([a.id]);
    expect(await tenantsIn(a.apiKey, { targetId: endpointB.id })).toEqual([]);
  });

  it("filters by time range and pages newest first without gaps or repeats", async () => {
    const endpoint = await insertEndpoint(api.db.pool, a.id);
    for (const name of ["one", "two", "three", "four", "five"]) {
      await api.gql(RENAME, { key: a.apiKey, variables: { id: endpoint.id, name } });
    }
    const all = (
      await api.gql(LIST, { key: a.apiKey, variables: { first: 100, filter: { targetId: endpoint.id } } })
    ).body.data.auditLog.edges.map((e: { node: { id: string; at: string } }) => e.node);
    expect(all).toHaveLength(5);
    const paged: string[] = [];
    let after: string | null = null;
    do {
      const { body } = await api.gql(LIST, {
        key: a.apiKey,
        variables: { first: 2, after, filter: { targetId: endpoint.id } },
      });
      paged.push(...body.data.auditLog.edges.map((e: { node: { id: string } }) => e.node.id));
      after = body.data.auditLog.pageInfo.hasNextPage ? body.data.auditLog.pageInfo.endCursor : null;
    } while (after);
    expect(paged).toEqual(all.map((n: { id: string }) => n.id));

    const middle = all[2]!;
    const fromMiddle = await api.gql(LIST, {
      key: a.apiKey,
      variables: { first: 100, filter: { targetId: endpoint.id, atOrAfter: middle.at } },
    });
    const ats = fromMiddle.body.data.auditLog.edges.map((e: { node: { at: string } }) => e.node.at);
    expect(ats.length).toBeGreaterThanOrEqual(3);
    expect(ats.every((at: string) => at >= middle.at)).toBe(true);
    const beforeMiddle = await api.gql(LIST, {
      key: a.apiKey,
      variables: { first: 100, filter: { targetId: endpoint.id, before: middle.at } },
    });
    const earlier = beforeMiddle.body.data.auditLog.edges.map((e: { node: { at: string } }) => e.node.at);
    expect(earlier.every((at: string) => at < middle.at)).toBe(true);
    expect(earlier.length + ats.length).toBe(5);
  });

  it("kapsel_api cannot queue a leaf for another tenant's audit record", async () => {
    const { rows } = await api.db.pool.query("SELECT id FROM audit_records WHERE tenant_id = $1 LIMIT 1", [b.id]);
    const asA = tenantScopedPool(api.db.pool, { role: DEFAULT_DATABASE_ROLE, tenantId: a.id });
    await expect(
      asA.query("INSERT INTO pending_leaves (audit_id, leaf) VALUES ($1, '\\x00')", [rows[0].id]),
    ).rejects.toMatchObject({ code: "42501" });
  });
});
