import { findPlaintextSecrets, insertEvents } from "@kapsel/test-support";
import { describe, expect, it } from "vitest";
import { createEndpoint, run as runAs, USER_ERRORS, useEndpointMutations } from "./endpoint-mutations-fixture.ts";

// Sources (decision 0027): every endpoint is fed by its own inbound source, readable as Source,
// Endpoint.source, Query.source(id) and Query.sources; every event has a type and a source.

const f = useEndpointMutations();
// biome-ignore lint/suspicious/noExplicitAny: GraphQL answers are untyped JSON
const run = (query: string, variables: Record<string, unknown> = {}): Promise<any> => runAs(f, query, variables);

const SOURCE_FIELDS = `{ id kind name ingestUrl scheme header encoding prefix toleranceSeconds typeHeader typePointer
  rotationEndsAt createdAt updatedAt endpoint { id } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateEndpointInput!) { updateEndpoint(id: $id, input: $input) {
  endpoint { id source ${SOURCE_FIELDS} } ${USER_ERRORS} } }`;

const sourceIdOf = (endpointId: string) => `src_${endpointId.slice(3)}`;

describe("Source", () => {
  it("is created with its endpoint and read through Endpoint.source, source(id) and sources", async () => {
    const created = await createEndpoint(f, { name: "GitHub", sourceScheme: "GITHUB", sourceToleranceSeconds: 120 });
    const id = sourceIdOf(created.endpoint.id);
    const expected = {
      id,
      kind: "INBOUND",
      name: "GitHub",
      ingestUrl: `/ingest/${id}`,
      scheme: "GITHUB",
      header: null,
      encoding: null,
      prefix: null,
      toleranceSeconds: 120,
      typeHeader: null,
      typePointer: null,
      rotationEndsAt: null,
      endpoint: { id: created.endpoint.id },
    };
    const data = await run(
      `query($ep: ID!, $src: ID!) { endpoint(id: $ep) { sourceScheme source ${SOURCE_FIELDS} }
         source(id: $src) ${SOURCE_FIELDS} }`,
      { ep: created.endpoint.id, src: id },
    );
    expect(data.endpoint.source).toMatchObject(expected);
    expect(data.source).toEqual(data.endpoint.source);
    expect(data.endpoint.sourceScheme).toBe("GITHUB");

    const second = await createEndpoint(f, { name: "Second" });
    const page = await run(`{ sources(first: 1) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`);
    expect(page.sources.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([
      sourceIdOf(second.endpoint.id),
    ]);
    expect(page.sources.pageInfo.hasNextPage).toBe(true);
    const next = await run(`query($after: String) { sources(first: 100, after: $after) { edges { node { id } } } }`, {
      after: page.sources.pageInfo.endCursor,
    });
    expect(next.sources.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(id);
    expect(next.sources.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(
      sourceIdOf(second.endpoint.id),
    );
  });

  it("answers null for an id that names no source, and hides the source of a deleted endpoint", async () => {
    const created = await createEndpoint(f, { sourceScheme: "STANDARD_WEBHOOKS" });
    const id = sourceIdOf(created.endpoint.id);
    const [eventId] = await insertEvents(
      f.api.db.pool,
      { id: created.endpoint.id, tenantId: f.tenantId },
      1,
      new Date(),
    );
    const deleted = await run(`mutation($id: ID!) { deleteEndpoint(id: $id) { ${USER_ERRORS} } }`, {
      id: created.endpoint.id,
    });
    expect(deleted.deleteEndpoint.userErrors).toEqual([]);
    const data = await run(
      `query($src: ID!, $evt: ID!) { source(id: $src) { id } missing: source(id: "src_01KBNONEXISTENT000000000000") { id }
         junk: source(id: "ep_nope") { id } sources(first: 100) { edges { node { id } } }
         event(id: $evt) { type source { id scheme } } }`,
      { src: id, evt: eventId },
    );
    expect(data.source).toBeNull();
    expect(data.missing).toBeNull();
    expect(data.junk).toBeNull();
    expect(data.sources.edges.map((e: { node: { id: string } }) => e.node.id)).not.toContain(id);
    // History keeps pointing at it.
    expect(data.event.source).toEqual({ id, scheme: "STANDARD_WEBHOOKS" });
  });
});

describe("Event.type and Event.source", () => {
  it("a test event comes from the endpoint's source with the reserved type kapsel.test", async () => {
    const created = await createEndpoint(f, {});
    const sent = await run(
      `mutation($id: ID!) { sendTestEvent(endpointId: $id) { event { id type source { id } endpoint { id } } ${USER_ERRORS} } }`,
      { id: created.endpoint.id },
    );
    expect(sent.sendTestEvent.userErrors).toEqual([]);
    expect(sent.sendTestEvent.event).toMatchObject({
      type: "kapsel.test",
      source: { id: sourceIdOf(created.endpoint.id) },
      endpoint: { id: created.endpoint.id },
    });
    const listed = await run(
      `query($ep: ID!) { events(first: 5, filter: { endpointId: $ep }) { edges { node { id type source { id } } } } }`,
      { ep: created.endpoint.id },
    );
    expect(listed.events.edges[0].node).toEqual({
      id: sent.sendTestEvent.event.id,
      type: "kapsel.test",
      source: { id: sourceIdOf(created.endpoint.id) },
    });
  });
});

describe("updateEndpoint(sourceTypeHeader, sourceTypePointer)", () => {
  it("stores a generic source's type header (lower-case) and pointer, and removes them with null", async () => {
    const created = await createEndpoint(f, {});
    const set = await run(UPDATE, {
      id: created.endpoint.id,
      input: { sourceTypeHeader: "X-Event-Type", sourceTypePointer: "/meta/event~1name" },
    });
    expect(set.updateEndpoint.userErrors).toEqual([]);
    expect(set.updateEndpoint.endpoint.source).toMatchObject({
      typeHeader: "x-event-type",
      typePointer: "/meta/event~1name",
    });
    const cleared = await run(UPDATE, { id: created.endpoint.id, input: { sourceTypeHeader: null } });
    expect(cleared.updateEndpoint.endpoint.source).toMatchObject({
      typeHeader: null,
      typePointer: "/meta/event~1name",
    });
  });

  it("refuses invalid values and the named schemes with VALIDATION errors at their fields, changing nothing", async () => {
    const generic = await createEndpoint(f, {});
    const invalid = await run(UPDATE, {
      id: generic.endpoint.id,
      input: { sourceTypeHeader: "x event", sourceTypePointer: "meta/event" },
    });
    expect(invalid.updateEndpoint.endpoint).toBeNull();
    expect(invalid.updateEndpoint.userErrors).toEqual([
      expect.objectContaining({ code: "VALIDATION", field: ["input", "sourceTypeHeader"] }),
      expect.objectContaining({
        code: "VALIDATION",
        field: ["input", "sourceTypePointer"],
        message: expect.stringContaining("starts with '/'"),
      }),
    ]);
    const empty = await run(UPDATE, { id: generic.endpoint.id, input: { sourceTypePointer: "" } });
    expect(empty.updateEndpoint.userErrors).toEqual([
      expect.objectContaining({ code: "VALIDATION", field: ["input", "sourceTypePointer"] }),
    ]);

    const github = await createEndpoint(f, { sourceScheme: "GITHUB" });
    const named = await run(UPDATE, { id: github.endpoint.id, input: { sourceTypeHeader: "x-event-type" } });
    expect(named.updateEndpoint.userErrors).toEqual([
      expect.objectContaining({
        code: "VALIDATION",
        field: ["input", "sourceTypeHeader"],
        message: expect.stringContaining("only applies to the HMAC_SHA256 and NONE schemes"),
      }),
    ]);
  });

  it("forgets the type settings when the source moves to a named scheme", async () => {
    const created = await createEndpoint(f, {});
    await run(UPDATE, { id: created.endpoint.id, input: { sourceTypePointer: "/type" } });
    const moved = await run(UPDATE, { id: created.endpoint.id, input: { sourceScheme: "GITHUB" } });
    expect(moved.updateEndpoint.userErrors).toEqual([]);
    expect(moved.updateEndpoint.endpoint.source).toMatchObject({
      scheme: "GITHUB",
      typeHeader: null,
      typePointer: null,
    });
    expect(await findPlaintextSecrets(f.api.db.pool)).toEqual([]);
  });
});
