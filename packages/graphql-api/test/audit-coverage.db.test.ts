// Every state-changing mutation produces exactly one audit record, and every record's receipt
// verifies, with @kapsel/attestation and with the kapsel-verify CLI. The list of mutations comes
// from the schema's Mutation type, so a new mutation without an audit case fails here (and one
// without an AUDIT_SPECS entry stops the API from starting).
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeAuditLeaf, verifyReceipt } from "@kapsel/attestation";
import { insertTenant } from "@kapsel/test-support";
import { buildSchema } from "graphql/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readSchemaSdl } from "../src/index.ts";
import { AUDIT_CASES, type AuditWorld } from "./audit-cases.ts";
import { commitAll, OPERATOR_KEY, registerLogSigner, startGraphQL } from "./harness.ts";

const MUTATIONS = Object.keys(buildSchema(readSchemaSdl()).getMutationType()?.getFields() ?? {});

/**
 * Mutations that change no state and therefore record nothing. Empty: every Mutation field changes
 * something (sendTestEvent stores an event, the replays reschedule events). Add one here only with
 * the reason it changes nothing.
 */
const NOT_STATE_CHANGING: Record<string, string> = {};

const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const CLI = "packages/verify-cli/bin/kapsel-verify.mjs";

let world: AuditWorld;
/** The audit record ids the calls produced, by mutation. */
const recorded = new Map<string, string>();

beforeAll(async () => {
  const api = await startGraphQL();
  const tenant = await insertTenant(api.db.pool, "Acme");
  const { rows } = await api.db.pool.query("SELECT id FROM api_keys WHERE tenant_id = $1", [tenant.id]);
  world = { api, tenantId: tenant.id, key: tenant.apiKey, keyId: rows[0].id };
});
afterAll(() => world.api.close());

const countRecords = async (): Promise<number> =>
  (await world.api.db.pool.query("SELECT count(*)::int AS n FROM audit_records")).rows[0].n;

describe("every state-changing mutation is audited", () => {
  it("the schema has mutations, and every exemption names a real one", () => {
    expect(MUTATIONS.length).toBeGreaterThan(10);
    for (const name of Object.keys(NOT_STATE_CHANGING)) expect(MUTATIONS).toContain(name);
  });

  it.each(MUTATIONS.filter((m) => !(m in NOT_STATE_CHANGING)))("%s writes exactly one audit record", async (name) => {
    const testCase = AUDIT_CASES[name];
    expect(testCase, `no audit case for Mutation.${name} in audit-cases.ts`).toBeDefined();
    if (!testCase) return;
    const { variables, targetId: preparedTarget } = await testCase.prepare(world);
    const before = await countRecords();
    const key = testCase.as === "operator" ? OPERATOR_KEY : world.key;
    const { body, text } = await world.api.gql(testCase.query, { key, variables });
    expect(body.errors, text).toBeUndefined();
    const payload = body.data[name];
    expect(payload.userErrors, text).toEqual([]);
    expect(await countRecords()).toBe(before + 1);

    const targetId = preparedTarget ?? testCase.targetOf?.(payload);
    const { rows } = await world.api.db.pool.query(
      `SELECT r.*, p.leaf FROM audit_records r JOIN pending_leaves p ON p.audit_id = r.id
        WHERE r.operation = $1 ORDER BY r.at DESC, r.id DESC`,
      [name],
    );
    expect(rows).toHaveLength(1);
    const row = rows[0];
    expect(row).toMatchObject({
      target_id: targetId,
      actor: testCase.as === "operator" ? "operator" : world.keyId,
      secret: testCase.secret,
    });
    // The queued leaf says exactly what the row says.
    const leaf = decodeAuditLeaf(new Uint8Array(row.leaf));
    expect(leaf.ok && leaf.leaf).toEqual({
      kind: "audit",
      v: 1,
      audit_id: row.id,
      tenant_id: row.tenant_id,
      actor: row.actor,
      operation: name,
      target_id: targetId,
      at: row.at.toISOString(),
      before_sha256: row.before_sha256?.toString("hex") ?? null,
      after_sha256: row.after_sha256?.toString("hex") ?? null,
      secret: testCase.secret,
    });
    recorded.set(name, row.id);
  });

  it("each record's receipt verifies with @kapsel/attestation and with kapsel-verify", async () => {
    const audited = MUTATIONS.filter((m) => !(m in NOT_STATE_CHANGING));
    expect([...recorded.keys()].sort()).toEqual([...audited].sort());
    const signer = await registerLogSigner(world.api.db.pool);
    await commitAll(world.api.db.pool, signer);
    const { rows: keys } = await world.api.db.pool.query("SELECT verifier_key FROM attestation_keys");
    const trusted = keys.map((k) => k.verifier_key as string);

    const { body, text } = await world.api.gql(
      `{ auditLog(first: 100) { edges { node { id tenantId operation leafIndex receipt { auditRecordId json } } } } }`,
      { key: OPERATOR_KEY },
    );
    expect(body.errors, text).toBeUndefined();
    const nodes = body.data.auditLog.edges.map((e: { node: unknown }) => e.node);
    expect(nodes).toHaveLength(audited.length);
    const dir = tmpdir();
    for (const node of nodes) {
      expect(node.receipt?.auditRecordId, node.operation).toBe(node.id);
      const verdict = verifyReceipt(node.receipt.json, { trustedKeys: trusted });
      expect(verdict.ok, `${node.operation}: ${JSON.stringify(verdict.checks)}`).toBe(true);
      expect(verdict.auditLeaf).toMatchObject({
        audit_id: node.id,
        operation: node.operation,
        tenant_id: node.tenantId,
      });
      expect(verdict.leafKind).toBe("audit");

      const file = join(dir, `kapsel-audit-receipt-${node.id}.json`);
      writeFileSync(file, node.receipt.json);
      const cli = spawnSync(process.execPath, [CLI, file, "--key", trusted[0]!], { cwd: REPO_ROOT, encoding: "utf8" });
      expect(cli.status, cli.stdout + cli.stderr).toBe(0);
      expect(cli.stdout).toContain(`VERIFIED: audit record ${node.id}: ${node.operation} on `);
    }
  });
});
