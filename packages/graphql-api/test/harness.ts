import { generateSignerKey } from "@kapsel/attestation";
import { commitBatch, type LogSigner, loadLogSigner } from "@kapsel/attestation-log";
import type { Pool } from "@kapsel/db";
import { createApiServer } from "@kapsel/http-api";
import { silentLogger } from "@kapsel/logger";
import {
  createTestDatabase,
  deliveryStates,
  type EndpointFixture,
  insertEndpoint,
  insertEvents,
  startDelivery,
  type TestDatabase,
  testSecrets,
} from "@kapsel/test-support";
import { createGraphQLApi, type GraphQLApiOptions } from "../src/index.ts";

export const OPERATOR_KEY = "test-operator-key-0123456789abcdefghijklmnop";

export interface GraphQLAnswer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response shapes
  body: any;
  text: string;
}

export interface GraphQLHarness {
  db: TestDatabase;
  url: string;
  /** The same path for WebSocket clients (graphql-ws). */
  wsUrl: string;
  /** SQL statements the API sent, in order (through the injected query observer). */
  queries: string[];
  /** Subscriptions registered for live updates right now, server-side (GraphQLApi.liveSubscribers). */
  liveSubscribers(): number;
  gql(query: string, options?: { variables?: unknown; key?: string | null }): Promise<GraphQLAnswer>;
  post(body: string | Buffer, headers?: Record<string, string>): Promise<GraphQLAnswer>;
  close(): Promise<void>;
}

/**
 * A fresh database and the real API server (createApiServer + GraphQL) on a free loopback port.
 * `options` may depend on the database (e.g. a `readPool` wrapping its pool).
 */
export async function startGraphQL(
  options: Partial<GraphQLApiOptions> | ((db: TestDatabase) => Partial<GraphQLApiOptions>) = {},
): Promise<GraphQLHarness> {
  const db = await createTestDatabase();
  const queries: string[] = [];
  const graphql = await createGraphQLApi({
    pool: db.pool,
    logger: silentLogger(),
    operatorApiKey: OPERATOR_KEY,
    observeQuery: (sql) => queries.push(sql),
    secretSealer: testSecrets,
    ...(typeof options === "function" ? options(db) : options),
  });
  const api = createApiServer({
    pool: db.pool,
    logger: silentLogger(),
    graphql: graphql.handle,
    graphqlWebSocket: graphql.webSocket,
  });
  const address = await api.listen(0, "127.0.0.1");
  const url = `http://127.0.0.1:${address.port}/graphql`;
  const answer = async (res: Response): Promise<GraphQLAnswer> => {
    const text = await res.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: res.status, headers: res.headers, body, text };
  };
  const post: GraphQLHarness["post"] = async (body, headers = {}) =>
    answer(await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body }));
  return {
    db,
    url,
    wsUrl: url.replace(/^http:/, "ws:"),
    queries,
    liveSubscribers: () => graphql.liveSubscribers(),
    post,
    gql: (query, { variables, key } = {}) =>
      post(JSON.stringify({ query, variables }), key ? { authorization: `Bearer ${key}` } : {}),
    close: async () => {
      await api.close();
      await graphql.stop();
      await db.drop();
    },
  };
}

export interface Delivered {
  endpoint: EndpointFixture;
  eventIds: string[];
  /** The events' deliveries, in the order of eventIds. */
  deliveryIds: string[];
  attemptIds: string[];
}

/** Inserts `count` events for a new endpoint at `url` and lets a real worker deliver each once. */
export async function deliverEvents(pool: Pool, tenantId: string, url: string, count: number): Promise<Delivered> {
  const endpoint = await insertEndpoint(pool, tenantId, { url, maxInFlight: 50 });
  const eventIds = await insertEvents(pool, endpoint, count, new Date());
  const delivery = startDelivery(pool);
  await delivery.until(async () => {
    const { rows } = await pool.query(
      "SELECT count(*)::int AS n FROM deliveries WHERE event_id = ANY($1) AND attempts > 0 AND status <> 'delivering'",
      [eventIds],
    );
    return rows[0].n === count;
  });
  await delivery.stop();
  const { rows } = await pool.query("SELECT id FROM delivery_attempts WHERE event_id = ANY($1)", [eventIds]);
  const deliveryIds = (await deliveryStates(pool, eventIds)).map((d) => d.id);
  return { endpoint, eventIds, deliveryIds, attemptIds: rows.map((r) => r.id) };
}

/** A log signing key registered in the database, as apps/worker does at start. */
export async function registerLogSigner(pool: Pool): Promise<LogSigner> {
  const key = generateSignerKey("kapsel.test/log");
  const loaded = loadLogSigner(key.signerKey);
  if (!loaded.ok) throw new Error(loaded.problem);
  await pool.query("INSERT INTO attestation_keys (key_id, name, verifier_key) VALUES ($1, $2, $3)", [
    loaded.logSigner.keyId,
    loaded.logSigner.origin,
    key.verifierKey,
  ]);
  return loaded.logSigner;
}

/** Commits every pending leaf in one signed checkpoint; returns its tree size. */
export async function commitAll(pool: Pool, signer: LogSigner): Promise<number> {
  const result = await commitBatch(pool, signer, 100_000, Date.now());
  if (result.outcome !== "committed") throw new Error(`nothing committed: ${result.outcome}`);
  return result.treeSize;
}
