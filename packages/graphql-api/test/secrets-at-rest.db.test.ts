import { withTransaction } from "@kapsel/db";
import { isSealed, SecretsError } from "@kapsel/secrets";
import { testSecrets } from "@kapsel/test-support";
import { describe, expect, it } from "vitest";
import { createEndpoint, run, USER_ERRORS, useEndpointMutations } from "./endpoint-mutations-fixture.ts";

// Secrets at rest (docs/security.md): the API stores endpoint secrets sealed with the public half
// of the master key, and its database role cannot read them back.

const f = useEndpointMutations();
const SECRET_COLUMNS = ["source_secret", "signing_secret", "previous_signing_secret", "previous_source_secret"];
const ROTATE = `mutation($id: ID!, $kind: SecretKind!) {
  rotateEndpointSecret(id: $id, kind: $kind) { secret ${USER_ERRORS} } }`;

/** Every column of every row of every table in the schema, as text: what a database dump holds. */
async function dumpEverything(): Promise<string> {
  const pool = f.api.db.pool;
  const { rows: tables } = await pool.query<{ name: string }>(
    "SELECT quote_ident(tablename) AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
  );
  expect(tables.map((t) => t.name)).toContain("endpoints");
  const parts: string[] = [];
  for (const { name } of tables) {
    const { rows } = await pool.query<{ t: string }>(`SELECT t::text AS t FROM ${name} t`);
    parts.push(...rows.map((r) => r.t));
  }
  return parts.join("\n");
}

async function asApiRole<T>(sql: string): Promise<T[]> {
  return withTransaction(f.api.db.pool, async (client) => {
    await client.query("SET LOCAL ROLE kapsel_api");
    await client.query("SELECT set_config('kapsel.tenant_id', $1, true)", [f.tenantId]);
    return (await client.query(sql)).rows as T[];
  });
}

describe("secrets at rest", () => {
  it("no secret created or rotated through the API appears anywhere in the database", async () => {
    const given = "given-github-source-secret-0123456789";
    const github = await createEndpoint(f, { sourceScheme: "GITHUB", sourceSecret: given });
    const hmac = await createEndpoint(f, { sourceScheme: "HMAC_SHA256" });
    const plain = await createEndpoint(f, {});
    const rotatedSigning = (await run(f, ROTATE, { id: github.endpoint.id, kind: "SIGNING" })).rotateEndpointSecret;
    const rotatedSource = (await run(f, ROTATE, { id: hmac.endpoint.id, kind: "SOURCE" })).rotateEndpointSecret;
    expect([rotatedSigning.userErrors, rotatedSource.userErrors]).toEqual([[], []]);
    const secrets: string[] = [
      given,
      github.signingSecret,
      hmac.signingSecret,
      hmac.sourceSecret,
      plain.signingSecret,
      rotatedSigning.secret,
      rotatedSource.secret,
    ];
    expect(secrets.every((s) => typeof s === "string" && s.length > 20)).toBe(true);

    const dump = await dumpEverything();
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
      // Standard Webhooks secrets without their prefix: the key bytes themselves.
      expect(dump).not.toContain(secret.replace(/^whsec_/, "").slice(0, 24));
    }
    expect(dump).not.toContain("whsec_");

    // What is stored is sealed, and opens (with the private key the API does not have) to the secrets.
    const { rows } = await f.api.db.pool.query(
      `SELECT ${SECRET_COLUMNS.join(", ")} FROM endpoints WHERE id = ANY($1) ORDER BY id`,
      [[github.endpoint.id, hmac.endpoint.id]],
    );
    const stored = rows.flatMap((r) => SECRET_COLUMNS.map((c) => r[c] as string | null)).filter((v) => v !== null);
    expect(stored).toHaveLength(6);
    expect(stored.every(isSealed)).toBe(true);
    expect(stored.map((v) => testSecrets.open(v)).sort()).toEqual(
      [
        given,
        rotatedSigning.secret,
        github.signingSecret,
        rotatedSource.secret,
        hmac.sourceSecret, // kept as the previous source secret for the rotation's grace period
        hmac.signingSecret,
      ].sort(),
    );
  });

  it("the API's database role cannot read the secret columns, and can read every other column", async () => {
    await createEndpoint(f, {});
    for (const column of [...SECRET_COLUMNS, "*"]) {
      await expect(asApiRole(`SELECT ${column} FROM endpoints`)).rejects.toMatchObject({
        code: "42501",
        message: expect.stringContaining("permission denied"),
      });
    }
    expect(
      await asApiRole(
        "SELECT id, tenant_id, url, previous_signing_secret_expires_at, previous_source_secret_expires_at FROM endpoints",
      ),
    ).not.toEqual([]);
    const { rows } = await f.api.db.pool.query<{ column_name: string; granted: boolean }>(
      `SELECT column_name::text, has_column_privilege('kapsel_api', 'endpoints', column_name, 'SELECT') AS granted
         FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'endpoints'`,
    );
    expect(
      rows
        .filter((r) => !r.granted)
        .map((r) => r.column_name)
        .sort(),
    ).toEqual([...SECRET_COLUMNS].sort());
  });

  it("a tampered sealed value is refused with a coded error, never opened to a wrong secret", async () => {
    const { endpoint, signingSecret } = await createEndpoint(f, {});
    const { rows } = await f.api.db.pool.query("SELECT signing_secret FROM endpoints WHERE id = $1", [endpoint.id]);
    const sealed: string = rows[0].signing_secret;
    expect(testSecrets.open(sealed)).toBe(signingSecret);
    const i = sealed.length - 10;
    const tampered = sealed.slice(0, i) + (sealed[i] === "x" ? "y" : "x") + sealed.slice(i + 1);
    let error: unknown;
    try {
      testSecrets.open(tampered);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SecretsError);
    expect(error).toMatchObject({ code: "SEALED_TAMPERED" });
  });
});
