import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateSignerKey } from "@kapsel/attestation";
import {
  createTestDatabase,
  insertTenant,
  type ReceivedRequest,
  type Receiver,
  startReceiver,
  type TestDatabase,
  waitFor,
} from "@kapsel/test-support";
import { signSourceRequest, verifySource } from "@kapsel/webhook-signatures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiProcess, startApiProcess } from "./api-process.ts";
import { startWorkerProcess, type WorkerProcess } from "./worker-process.ts";

// Issue #12, "Tests": one GitHub-signed inbound event and published events, three endpoints with
// different subscriptions, all set up through GraphQL and sent through the ingest server as a
// user would; each receiver gets exactly what its subscription selects, signed with its own
// endpoint's secret, and every attempt has a receipt that kapsel-verify accepts offline.

const VERIFY_BIN = fileURLToPath(new URL("../packages/verify-cli/bin/kapsel-verify.mjs", import.meta.url));
const signing = generateSignerKey("kapsel.e2e/log");

let db: TestDatabase;
let api: ApiProcess;
let worker: WorkerProcess;
let ingestUrl: string;
let dir: string;
let apiKey: string;
const receivers: Record<"a" | "b" | "c", Receiver> = {} as Record<"a" | "b" | "c", Receiver>;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), "kapsel-fan-out-"));
  for (const name of ["a", "b", "c"] as const) receivers[name] = await startReceiver();
  // No public surface creates a tenant (the operator does): the fixture inserts it with its key.
  apiKey = (await insertTenant(db.pool)).apiKey;
  const allow = { DELIVERY_ALLOW_ADDRESSES: "127.0.0.0/8" };
  api = await startApiProcess(db.url, allow);
  worker = await startWorkerProcess({
    ...allow,
    DATABASE_URL: db.url,
    INGEST_PORT: "0",
    DELIVERY_POLL_MS: "200",
    ATTEST_SIGNING_KEY: signing.signerKey,
    ATTEST_CHECK_MS: "50",
    ATTEST_MAX_DELAY_MS: "100",
  });
  ingestUrl = `http://127.0.0.1:${String(worker.ready.ingestPort)}`;
}, 60_000);

afterAll(async () => {
  await worker?.stop();
  await api?.stop();
  await Promise.all(Object.values(receivers).map((r) => r.close()));
  await db?.drop();
  await rm(dir, { recursive: true, force: true });
});

async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${api.url}/graphql`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown };
  if (!response.ok || body.errors || !body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body)}`);
  return body.data;
}

interface CreatedEndpoint {
  id: string;
  signingSecret: string;
  sourceId: string;
  sourceSecret: string | null;
  ownSubscriptionId: string;
}

async function createEndpoint(input: Record<string, unknown>): Promise<CreatedEndpoint> {
  const { createEndpoint } = await graphql<{
    createEndpoint: {
      endpoint: { id: string; source: { id: string }; eventSubscriptions: { edges: { node: { id: string } }[] } };
      signingSecret: string;
      sourceSecret: string | null;
      userErrors: unknown[];
    };
  }>(
    `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) {
      endpoint { id source { id } eventSubscriptions { edges { node { id } } } }
      signingSecret sourceSecret userErrors { code field message } } }`,
    { input },
  );
  expect(createEndpoint.userErrors).toEqual([]);
  const [own] = createEndpoint.endpoint.eventSubscriptions.edges;
  return {
    id: createEndpoint.endpoint.id,
    signingSecret: createEndpoint.signingSecret,
    sourceId: createEndpoint.endpoint.source.id,
    sourceSecret: createEndpoint.sourceSecret,
    ownSubscriptionId: own?.node.id ?? "",
  };
}

async function subscribe(input: Record<string, unknown>): Promise<void> {
  const { createEventSubscription } = await graphql<{
    createEventSubscription: { eventSubscription: { id: string } | null; userErrors: unknown[] };
  }>(
    `mutation($input: CreateEventSubscriptionInput!) { createEventSubscription(input: $input) {
      eventSubscription { id } userErrors { code field message } } }`,
    { input },
  );
  expect(createEventSubscription.userErrors).toEqual([]);
}

/** POSTs to the ingest server; the accepted event's id. */
async function post(path: string, headers: Record<string, string>, body: Buffer): Promise<string> {
  const response = await fetch(`${ingestUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
  expect(response.status).toBe(202);
  return ((await response.json()) as { event_id: string }).event_id;
}

function github(sourceId: string, secret: string, event: string, payload: unknown): Promise<string> {
  const body = Buffer.from(JSON.stringify(payload));
  const signed = signSourceRequest({ scheme: "github", secret }, body, Date.now());
  return post(`/ingest/${sourceId}`, { ...signed, "x-github-event": event }, body);
}

function publish(type: string, payload: unknown): Promise<string> {
  const body = Buffer.from(JSON.stringify({ type, payload }));
  return post("/publish", { authorization: `Bearer ${apiKey}` }, body);
}

function verify(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [VERIFY_BIN, ...args], (error, stdout) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout });
    });
  });
}

const eventIdsOf = (r: Receiver) => r.requests.map((q) => String(q.headers["webhook-id"])).sort();

async function deliveryCounts(): Promise<{ done: number; open: number }> {
  const { rows } = await db.pool.query(
    `SELECT count(*) FILTER (WHERE status = 'delivered')::int AS done,
            count(*) FILTER (WHERE status <> 'delivered')::int AS open FROM deliveries`,
  );
  return rows[0];
}

describe("fan-out through the running platform (issue #12)", () => {
  it("each receiver gets exactly what its subscription selects, signed with its own secret, each attempt with a receipt", async () => {
    const origin = (r: Receiver) => r.url;
    // A: a GitHub-signed inbound source; its own subscription narrowed to pull requests.
    const a = await createEndpoint({ name: "PR bot", url: origin(receivers.a), sourceScheme: "GITHUB" });
    const b = await createEndpoint({
      name: "Billing",
      url: origin(receivers.b),
      sourceScheme: "NONE",
      acknowledgeUnverifiedSource: true,
    });
    const c = await createEndpoint({
      name: "Everything published",
      url: origin(receivers.c),
      sourceScheme: "NONE",
      acknowledgeUnverifiedSource: true,
    });
    expect(a.sourceSecret).toBeTruthy();
    const { updateEventSubscription } = await graphql<{ updateEventSubscription: { userErrors: unknown[] } }>(
      `mutation($id: ID!, $input: UpdateEventSubscriptionInput!) { updateEventSubscription(id: $id, input: $input) {
        userErrors { code field message } } }`,
      { id: a.ownSubscriptionId, input: { typePatterns: ["pull_request.*"] } },
    );
    expect(updateEventSubscription.userErrors).toEqual([]);
    const { sources } = await graphql<{ sources: { edges: { node: { id: string; kind: string } }[] } }>(
      "{ sources(first: 100) { edges { node { id kind } } } }",
    );
    const publishSourceId = sources.edges.find((e) => e.node.kind === "PUBLISH")?.node.id;
    expect(publishSourceId).toBeTruthy();
    // B: every source, invoices of at least 100; C: everything the application publishes.
    await subscribe({ endpointId: b.id, typePatterns: ["invoice.*"], filter: { amount: { $gte: 100 } } });
    await subscribe({ endpointId: c.id, sourceIds: [publishSourceId], typePatterns: ["*"] });

    const pr = await github(a.sourceId, a.sourceSecret as string, "pull_request", { action: "opened", number: 7 });
    // issues.opened: A takes only pull requests, B only invoices, C only published events.
    const issue = await github(a.sourceId, a.sourceSecret as string, "issues", { action: "opened", amount: 500 });
    const bigInvoice = await publish("invoice.paid", { invoice: "in_1", amount: 1200 });
    const smallInvoice = await publish("invoice.paid", { invoice: "in_2", amount: 5 });

    const expected = { a: [pr], b: [bigInvoice], c: [bigInvoice, smallInvoice].sort() };
    const total = Object.values(expected).flat().length;
    // Each event's deliveries were committed with it, before its 202: wait until all are done.
    await waitFor(async () => (await deliveryCounts()).open === 0, 30_000);
    // Settle: give a wrong extra delivery time to arrive before "nothing else" is asserted.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await deliveryCounts()).toEqual({ done: total, open: 0 });
    expect({ a: eventIdsOf(receivers.a), b: eventIdsOf(receivers.b), c: eventIdsOf(receivers.c) }).toEqual(expected);
    expect(issue).not.toBe(pr);

    const secrets = { a: a.signingSecret, b: b.signingSecret, c: c.signingSecret };
    const requests: [string, ReceivedRequest][] = Object.entries(receivers).flatMap(([name, r]) =>
      r.requests.map((q) => [name, q] as [string, ReceivedRequest]),
    );
    for (const [name, request] of requests) {
      const own = secrets[name as keyof typeof secrets];
      const check = (secret: string) =>
        verifySource({ scheme: "standard-webhooks", secret }, request.headers, request.body, Date.now()).outcome;
      expect({ name, outcome: check(own) }).toEqual({ name, outcome: "verified" });
      // Its own secret, not merely some endpoint's: the others' do not verify it.
      for (const [other, secret] of Object.entries(secrets)) {
        if (other !== name) expect({ name, other, outcome: check(secret) }).not.toMatchObject({ outcome: "verified" });
      }
    }
    const published = receivers.b.requests[0];
    expect(JSON.parse(String(published?.body))).toEqual({ invoice: "in_1", amount: 1200 });

    // Every attempt's receipt, fetched through GraphQL, verifies offline with the log's key.
    for (const [name, request] of requests) {
      const attemptId = String(request.headers["kapsel-attempt-id"]);
      let json = "";
      await waitFor(async () => {
        const body = (await (
          await fetch(`${api.url}/graphql`, {
            method: "POST",
            headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
            body: JSON.stringify({
              query: "query($id: ID!) { receipt(attemptId: $id) { json } }",
              variables: { id: attemptId },
            }),
          })
        ).json()) as { data?: { receipt: { json: string } | null } };
        json = body.data?.receipt?.json ?? "";
        return json !== "";
      }, 10_000);
      const leaf = JSON.parse(String((JSON.parse(json) as { leaf: string }).leaf)) as Record<string, unknown>;
      expect(leaf).toMatchObject({
        attempt_id: attemptId,
        event_id: String(request.headers["webhook-id"]),
        endpoint_id: { a: a.id, b: b.id, c: c.id }[name],
      });
      const file = join(dir, `${attemptId}.json`);
      await writeFile(file, json);
      const result = await verify([file, "--key", signing.verifierKey]);
      expect({ name, code: result.code }).toEqual({ name, code: 0 });
      expect(result.stdout).toContain(`VERIFIED: attempt ${attemptId}`);
    }
    expect(worker.errorLogs).toEqual([]);
  }, 60_000);
});
