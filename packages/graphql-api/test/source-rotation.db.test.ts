import { withTransaction } from "@kapsel/db";
import { errorCode, findPlaintextSecrets, startIngest } from "@kapsel/test-support";
import { signSourceRequest } from "@kapsel/webhook-signatures";
import { describe, expect, it } from "vitest";
import {
  createEndpoint,
  run as runAs,
  storedEndpoint,
  USER_ERRORS,
  useEndpointMutations,
} from "./endpoint-mutations-fixture.ts";

// rotateEndpointSecret(kind: SOURCE, graceHours): the replaced source secret is kept (sealed, as
// previous_source_secret) until Endpoint.sourceRotationEndsAt, and ingest accepts either meanwhile.

const f = useEndpointMutations();
// biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are untyped JSON
const run = (query: string, variables: Record<string, unknown> = {}): Promise<any> => runAs(f, query, variables);
const HOUR = 3_600_000;

const ROTATE = `mutation($id: ID!, $grace: Int) {
  rotateEndpointSecret(id: $id, kind: SOURCE, graceHours: $grace) {
    secret endpoint { id sourceRotationEndsAt signingRotationEndsAt } ${USER_ERRORS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateEndpointInput!) { updateEndpoint(id: $id, input: $input) {
  endpoint { id sourceRotationEndsAt } sourceSecret ${USER_ERRORS} } }`;

async function rotate(id: string, grace?: number) {
  const rotated = (await run(ROTATE, grace === undefined ? { id } : { id, grace })).rotateEndpointSecret;
  expect(rotated.userErrors).toEqual([]);
  return rotated as {
    secret: string;
    endpoint: { sourceRotationEndsAt: string | null; signingRotationEndsAt: string | null };
  };
}

/** Expects `at` to be `ms` after some moment within [from, now]. */
function expectEndsIn(at: string | null, from: number, ms: number) {
  const ends = new Date(at ?? 0).getTime();
  expect(ends).toBeGreaterThanOrEqual(from + ms - 1000);
  expect(ends).toBeLessThanOrEqual(Date.now() + ms);
}

async function rotationRecords(id: string): Promise<string[]> {
  const { rows } = await f.api.db.pool.query<{ secret: string }>(
    "SELECT secret FROM audit_records WHERE target_id = $1 AND operation = 'rotateEndpointSecret' ORDER BY at",
    [id],
  );
  return rows.map((r) => r.secret);
}

describe("rotateEndpointSecret(kind: SOURCE) with a grace period", () => {
  it("keeps the old source secret until sourceRotationEndsAt (24 h by default); graceHours 0 drops it", async () => {
    const created = await createEndpoint(f, { sourceScheme: "STANDARD_WEBHOOKS" });
    const id = created.endpoint.id;
    expect(created.endpoint.sourceRotationEndsAt).toBeNull();

    let from = Date.now();
    const first = await rotate(id, 1);
    expectEndsIn(first.endpoint.sourceRotationEndsAt, from, HOUR);
    expect(first.endpoint.signingRotationEndsAt).toBeNull();
    expect(await storedEndpoint(f, id)).toMatchObject({
      source_secret: first.secret,
      previous_source_secret: created.sourceSecret,
    });

    // A rotation under way is superseded: the previous secret is now the one just replaced.
    from = Date.now();
    const second = await rotate(id);
    expectEndsIn(second.endpoint.sourceRotationEndsAt, from, 24 * HOUR);
    expect(await storedEndpoint(f, id)).toMatchObject({
      source_secret: second.secret,
      previous_source_secret: first.secret,
    });

    const immediate = await rotate(id, 0);
    expect(immediate.endpoint.sourceRotationEndsAt).toBeNull();
    expect(await storedEndpoint(f, id)).toMatchObject({
      source_secret: immediate.secret,
      previous_source_secret: null,
      previous_source_secret_expires_at: null,
    });
    // One audit record per mutation, each "rotated".
    expect(await rotationRecords(id)).toEqual(["rotated", "rotated", "rotated"]);
    expect(await findPlaintextSecrets(f.api.db.pool)).toEqual([]);
  });

  it("ingest accepts the secret the API replaced until the grace period ends", async () => {
    const created = await createEndpoint(f, { sourceScheme: "GITHUB" });
    const rotated = await rotate(created.endpoint.id, 1);
    const ingest = await startIngest(f.api.db.pool);
    try {
      const post = (secret: string) => {
        const body = Buffer.from('{"ref":"main"}');
        const headers = signSourceRequest({ scheme: "github", secret }, body, ingest.clock.now());
        return fetch(`${ingest.url}/ingest/${created.endpoint.id}`, { method: "POST", headers, body });
      };
      expect((await post(created.sourceSecret)).status).toBe(202);
      expect((await post(rotated.secret)).status).toBe(202);
      ingest.clock.set(new Date(rotated.endpoint.sourceRotationEndsAt!).getTime() + 1);
      const expired = await post(created.sourceSecret);
      expect([expired.status, await errorCode(expired)]).toEqual([401, "E1005"]);
    } finally {
      await ingest.close();
    }
  });

  it("updateEndpoint drops the previous source secret when it sets a scheme or a secret, and only then", async () => {
    const created = await createEndpoint(f, { sourceScheme: "HMAC_SHA256" });
    const id = created.endpoint.id;
    await rotate(id, 1);
    const renamed = (await run(UPDATE, { id, input: { name: "Renamed" } })).updateEndpoint;
    expect(renamed.endpoint.sourceRotationEndsAt).not.toBeNull();

    // A new scheme: an old secret for another scheme means nothing.
    const rescheme = (await run(UPDATE, { id, input: { sourceScheme: "GITHUB" } })).updateEndpoint;
    expect(rescheme).toMatchObject({ endpoint: { sourceRotationEndsAt: null }, userErrors: [] });
    expect(await storedEndpoint(f, id)).toMatchObject({
      source_secret: rescheme.sourceSecret,
      previous_source_secret: null,
      previous_source_secret_expires_at: null,
    });

    // A secret set by hand for the same scheme takes over at once, without overlap.
    await rotate(id, 1);
    const given = "given-github-secret-after-rotation";
    const reset = (await run(UPDATE, { id, input: { sourceSecret: given } })).updateEndpoint;
    expect(reset).toMatchObject({ endpoint: { sourceRotationEndsAt: null }, userErrors: [] });
    expect(await storedEndpoint(f, id)).toMatchObject({ source_secret: given, previous_source_secret: null });
  });

  it("deleteEndpoint destroys the previous source secret with the others", async () => {
    const created = await createEndpoint(f, { sourceScheme: "GITHUB" });
    const rotated = await rotate(created.endpoint.id, 1);
    const deleted = (
      await run(`mutation($id: ID!) { deleteEndpoint(id: $id) { deletedEndpointId ${USER_ERRORS} } }`, {
        id: created.endpoint.id,
      })
    ).deleteEndpoint;
    expect(deleted.userErrors).toEqual([]);
    const row = await storedEndpoint(f, created.endpoint.id);
    expect(row).toMatchObject({ previous_source_secret: null, previous_source_secret_expires_at: null });
    expect([created.sourceSecret, rotated.secret]).not.toContain(row.source_secret);
  });

  it("the API's role reads sourceRotationEndsAt but never the previous source secret", async () => {
    const created = await createEndpoint(f, { sourceScheme: "GITHUB" });
    await rotate(created.endpoint.id, 1);
    const asApiRole = (sql: string) =>
      withTransaction(f.api.db.pool, async (client) => {
        await client.query("SET LOCAL ROLE kapsel_api");
        await client.query("SELECT set_config('kapsel.tenant_id', $1, true)", [f.tenantId]);
        return (await client.query(sql, [created.endpoint.id])).rows;
      });
    await expect(asApiRole("SELECT previous_source_secret FROM endpoints WHERE id = $1")).rejects.toMatchObject({
      code: "42501",
    });
    const [row] = await asApiRole("SELECT previous_source_secret_expires_at FROM endpoints WHERE id = $1");
    expect(row.previous_source_secret_expires_at).toBeInstanceOf(Date);
  });
});
