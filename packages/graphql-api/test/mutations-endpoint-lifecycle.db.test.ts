import { newId } from "@kapsel/core";
import { insertEndpoint, insertEvents, insertTenant, TEST_SIGNING_SECRET } from "@kapsel/test-support";
import { describe, expect, it } from "vitest";
import {
  createEndpoint,
  everythingReadable,
  run as runAs,
  storedEndpoint,
  USER_ERRORS,
  useEndpointMutations,
} from "./endpoint-mutations-fixture.ts";
import { deliverEvents } from "./harness.ts";

const f = useEndpointMutations();
// biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are untyped JSON
const run = (query: string, variables: Record<string, unknown> = {}): Promise<any> => runAs(f, query, variables);
const create = (input: Record<string, unknown>) => createEndpoint(f, input);
const stored = (id: string) => storedEndpoint(f, id);
const readable = () => everythingReadable(f);

describe("pauseEndpoint / resumeEndpoint", () => {
  const PAUSE = `mutation($id: ID!) { pauseEndpoint(id: $id) { endpoint { id status disabledReason updatedAt } ${USER_ERRORS} } }`;
  const RESUME = `mutation($id: ID!) { resumeEndpoint(id: $id) { endpoint { id status disabledReason updatedAt } ${USER_ERRORS} } }`;

  it("pause holds, resume releases, and repeating either changes nothing", async () => {
    const { endpoint } = await create({});
    const paused = (await run(PAUSE, { id: endpoint.id })).pauseEndpoint;
    expect(paused).toMatchObject({ endpoint: { status: "PAUSED" }, userErrors: [] });
    const again = (await run(PAUSE, { id: endpoint.id })).pauseEndpoint;
    expect(again.endpoint).toEqual(paused.endpoint);
    const resumed = (await run(RESUME, { id: endpoint.id })).resumeEndpoint;
    expect(resumed).toMatchObject({ endpoint: { status: "ACTIVE" }, userErrors: [] });
    expect((await run(RESUME, { id: endpoint.id })).resumeEndpoint.endpoint).toEqual(resumed.endpoint);
  });

  it("a disabled endpoint cannot be paused (CONFLICT) but can be resumed", async () => {
    const disabled = await insertEndpoint(f.api.db.pool, f.tenantId, { status: "disabled" });
    await f.api.db.pool.query("UPDATE endpoints SET disabled_reason = 'gone (410)' WHERE id = $1", [disabled.id]);
    const paused = (await run(PAUSE, { id: disabled.id })).pauseEndpoint;
    expect(paused.endpoint).toBeNull();
    expect(paused.userErrors).toMatchObject([
      { __typename: "ConflictError", code: "CONFLICT", field: ["id"], kapselCode: "E4009" },
    ]);
    expect((await stored(disabled.id)).status).toBe("disabled");
    const resumed = (await run(RESUME, { id: disabled.id })).resumeEndpoint;
    expect(resumed.endpoint).toMatchObject({ status: "ACTIVE", disabledReason: null });
  });

  it("answer NOT_FOUND for ids that are not the caller's", async () => {
    for (const query of [PAUSE, RESUME]) {
      const result = Object.values(await run(query, { id: newId("endpoint") }))[0] as { userErrors: unknown[] };
      expect(result.userErrors).toMatchObject([{ code: "NOT_FOUND", field: ["id"] }]);
    }
  });
});

describe("deleteEndpoint", () => {
  const DELETE = `mutation($id: ID!) { deleteEndpoint(id: $id) { deletedEndpointId ${USER_ERRORS} } }`;

  it("retires an endpoint with history: hidden, secrets destroyed, history and receipts kept", async () => {
    const local = await deliverEvents(f.api.db.pool, f.tenantId, f.receiver.url, 1);
    const pending = await insertEvents(f.api.db.pool, local.endpoint, 1, new Date());
    // Why not a hard delete: the attestation log references the attempt, so the database refuses.
    await expect(f.api.db.pool.query("DELETE FROM endpoints WHERE id = $1", [local.endpoint.id])).rejects.toThrow(
      /foreign key/,
    );

    const deleted = (await run(DELETE, { id: local.endpoint.id })).deleteEndpoint;
    expect(deleted).toEqual({ deletedEndpointId: local.endpoint.id, userErrors: [] });

    const row = await stored(local.endpoint.id);
    expect(row).toMatchObject({ status: "disabled", disabled_reason: "deleted", previous_signing_secret: null });
    expect(row.signing_secret).not.toBe(TEST_SIGNING_SECRET);
    const { rows: parked } = await f.api.db.pool.query(
      "SELECT status, next_attempt_at FROM deliveries WHERE event_id = $1",
      [pending[0]],
    );
    expect(parked[0]).toEqual({ status: "pending", next_attempt_at: null });

    const { endpoint, endpoints, event } = await run(
      `query($id: ID!, $event: ID!) { endpoint(id: $id) { id } endpoints(first: 100) { edges { node { id } } }
         event(id: $event) { status endpoint { id status disabledReason } attempts { edges { node { result } } } } }`,
      { id: local.endpoint.id, event: local.eventIds[0] },
    );
    expect(endpoint).toBeNull();
    expect(endpoints.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(local.endpoint.id);
    expect(event).toEqual({
      status: "DELIVERED",
      endpoint: { id: local.endpoint.id, status: "DISABLED", disabledReason: "deleted" },
      attempts: { edges: [{ node: { result: "SUCCESS" } }] },
    });

    // Gone for every mutation: like an id that never existed.
    const again = (await run(DELETE, { id: local.endpoint.id })).deleteEndpoint;
    expect(again.userErrors).toMatchObject([{ code: "NOT_FOUND", field: ["id"] }]);
    const others = await run(
      `mutation($id: ID!, $since: DateTime!) {
         a: pauseEndpoint(id: $id) { userErrors { code } } b: resumeEndpoint(id: $id) { userErrors { code } }
         c: updateEndpoint(id: $id, input: { name: "back" }) { userErrors { code } }
         d: rotateEndpointSecret(id: $id, kind: SIGNING) { secret userErrors { code } }
         e: resetCircuitBreaker(endpointId: $id) { userErrors { code } }
         f: replayFailedEvents(endpointId: $id, since: $since) { userErrors { code } }
         g: sendTestEvent(endpointId: $id) { userErrors { code } } }`,
      { id: local.endpoint.id, since: "2000-01-01T00:00:00Z" },
    );
    for (const answer of Object.values(others) as { userErrors: { code: string }[] }[]) {
      expect(answer.userErrors).toEqual([{ code: "NOT_FOUND" }]);
    }
    const replay = await run(`mutation($id: ID!) { replayEvent(eventId: $id) { event { id } ${USER_ERRORS} } }`, {
      id: local.eventIds[0],
    });
    expect(replay.replayEvent.userErrors).toMatchObject([{ code: "CONFLICT", field: ["eventId"] }]);
    expect((await stored(local.endpoint.id)).status).toBe("disabled");
  });

  it("answers NOT_FOUND for another tenant's endpoint and leaves it alone", async () => {
    const other = await insertTenant(f.api.db.pool, "Other");
    const foreign = await insertEndpoint(f.api.db.pool, other.id);
    const before = await stored(foreign.id);
    const answer = (await run(DELETE, { id: foreign.id })).deleteEndpoint;
    expect(answer).toMatchObject({ deletedEndpointId: null, userErrors: [{ code: "NOT_FOUND", field: ["id"] }] });
    expect(await stored(foreign.id)).toEqual(before);
  });
});

describe("rotateEndpointSecret", () => {
  const ROTATE = `mutation($id: ID!, $kind: SecretKind!, $grace: Int) {
    rotateEndpointSecret(id: $id, kind: $kind, graceHours: $grace) { secret endpoint { id signingRotationEndsAt } ${USER_ERRORS} } }`;

  it("SIGNING: a new secret shown once; the old one keeps signing for the grace period", async () => {
    const { endpoint, signingSecret } = await create({});
    const started = Date.now();
    const rotated = (await run(ROTATE, { id: endpoint.id, kind: "SIGNING" })).rotateEndpointSecret;
    expect(rotated.userErrors).toEqual([]);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(signingSecret);
    const ends = new Date(rotated.endpoint.signingRotationEndsAt).getTime();
    expect(ends).toBeGreaterThanOrEqual(started + 24 * 3_600_000 - 1000);
    expect(ends).toBeLessThanOrEqual(Date.now() + 24 * 3_600_000);
    expect(await stored(endpoint.id)).toMatchObject({
      signing_secret: rotated.secret,
      previous_signing_secret: signingSecret,
    });
    expect(await readable()).not.toContain(rotated.secret);

    const immediate = (await run(ROTATE, { id: endpoint.id, kind: "SIGNING", grace: 0 })).rotateEndpointSecret;
    expect(immediate.endpoint.signingRotationEndsAt).toBeNull();
    expect(await stored(endpoint.id)).toMatchObject({
      signing_secret: immediate.secret,
      previous_signing_secret: null,
      previous_signing_secret_expires_at: null,
    });
  });

  it("SOURCE: only for the schemes whose secret Kapsel may choose", async () => {
    const gh = await create({ sourceScheme: "GITHUB", sourceSecret: "before" });
    const rotated = (await run(ROTATE, { id: gh.endpoint.id, kind: "SOURCE" })).rotateEndpointSecret;
    expect(rotated.userErrors).toEqual([]);
    expect((await stored(gh.endpoint.id)).source_secret).toBe(rotated.secret);

    const stripe = await create({ sourceScheme: "STRIPE", sourceSecret: "whsec_from_stripe" });
    const none = await create({});
    for (const id of [stripe.endpoint.id, none.endpoint.id]) {
      const refused = (await run(ROTATE, { id, kind: "SOURCE" })).rotateEndpointSecret;
      expect(refused).toMatchObject({ secret: null, userErrors: [{ code: "CONFLICT", field: ["kind"] }] });
    }
    expect((await stored(stripe.endpoint.id)).source_secret).toBe("whsec_from_stripe");
  });

  it("refuses grace periods out of range and unknown ids", async () => {
    const { endpoint } = await create({});
    for (const grace of [-1, 721]) {
      const refused = (await run(ROTATE, { id: endpoint.id, kind: "SIGNING", grace })).rotateEndpointSecret;
      expect(refused.userErrors).toMatchObject([{ code: "VALIDATION", field: ["graceHours"] }]);
    }
    const missing = (await run(ROTATE, { id: newId("endpoint"), kind: "SIGNING" })).rotateEndpointSecret;
    expect(missing).toMatchObject({ secret: null, userErrors: [{ code: "NOT_FOUND", field: ["id"] }] });
  });
});
