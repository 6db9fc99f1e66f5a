import { verifyReceipt } from "@kapsel/attestation";
import type { SeedTenant } from "./api-database.ts";
import { ENDPOINTS_QUERY, EVENTS_QUERY, RECEIPT_QUERY } from "./api-queries.ts";

/*
 * Before anything is timed, each query is asked once and its answer checked in depth: the right
 * tenant's data only, the page sizes asked for, statistics that saw attempts, and receipts that
 * verify offline against the log's key. Cheap string checks then guard every timed response.
 */

type Json = Record<string, unknown>;
interface Edges<T> {
  edges: { node: T }[];
}

async function ask(url: string, apiKey: string, query: string, variables?: Json): Promise<Json> {
  const res = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const answer = (await res.json()) as { data?: Json; errors?: unknown };
  if (res.status !== 200 || answer.errors || !answer.data) {
    throw new Error(`check query failed: HTTP ${res.status} ${JSON.stringify(answer).slice(0, 500)}`);
  }
  return answer.data;
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new Error(`check failed: ${what}`);
}

export interface CheckInput {
  url: string;
  measured: SeedTenant;
  other: SeedTenant;
  receiptIds: readonly string[];
  /** An attested attempt of the other tenant: the measured tenant must get null for it. */
  foreignAttemptId: string;
  verifierKey: string;
  treeSize: number;
}

export async function checkAnswers(input: CheckInput): Promise<string> {
  const { url, measured } = input;
  const own = new Set(measured.endpointIds);

  const list = (await ask(url, measured.apiKey, ENDPOINTS_QUERY)).endpoints as Edges<{
    id: string;
    stats: { total: number };
  }>;
  expect(list.edges.length === Math.min(20, own.size), `endpoints: ${list.edges.length} edges`);
  expect(
    list.edges.every((e) => own.has(e.node.id)),
    "endpoints: an endpoint of another tenant was listed",
  );
  const statsTotal = list.edges.reduce((sum, e) => sum + e.node.stats.total, 0);
  expect(statsTotal > 0, "endpoints: stats saw no attempts in 24 h");

  const page = (await ask(url, measured.apiKey, EVENTS_QUERY)).events as Edges<{
    endpoint: { id: string };
    attempts: Edges<unknown>;
  }>;
  expect(page.edges.length === 50, `events: ${page.edges.length} edges`);
  expect(
    page.edges.every((e) => own.has(e.node.endpoint.id)),
    "events: an event of another tenant was listed",
  );
  const attempts = page.edges.reduce((sum, e) => sum + e.node.attempts.edges.length, 0);

  const checked = input.receiptIds.slice(0, 20);
  for (const id of checked) {
    const receipt = (await ask(url, measured.apiKey, RECEIPT_QUERY, { id })).receipt as { json: string } | null;
    expect(receipt !== null, `receipt of ${id} is null`);
    const json = JSON.parse(receipt!.json) as { tree_size?: unknown };
    const verified = verifyReceipt(json, { trustedKeys: [input.verifierKey] });
    expect(verified.ok, `receipt of ${id} does not verify: ${JSON.stringify(verified.checks)}`);
    expect(verified.leaf?.attempt_id === id, `receipt of ${id} is for ${verified.leaf?.attempt_id}`);
    expect(json.tree_size === input.treeSize, `receipt of ${id}: tree_size ${json.tree_size}`);
  }
  const foreign = await ask(url, measured.apiKey, RECEIPT_QUERY, { id: input.foreignAttemptId });
  expect(foreign.receipt === null, "receipt: another tenant's attempt was answered");
  const otherList = (await ask(url, input.other.apiKey, ENDPOINTS_QUERY)).endpoints as Edges<{ id: string }>;
  expect(
    otherList.edges.length === input.other.endpointIds.length && otherList.edges.every((e) => !own.has(e.node.id)),
    "the other tenant's key sees the wrong endpoints",
  );

  return (
    `${list.edges.length} endpoints (${statsTotal.toLocaleString("en-US")} attempts in their 24 h stats), ` +
    `${page.edges.length} events with ${attempts} attempts, ${checked.length} receipts verified with verifyReceipt, ` +
    "other tenant's data invisible both ways"
  );
}
