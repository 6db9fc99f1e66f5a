import {
  createTestDatabase,
  insertEndpoint,
  insertEvents,
  insertTenant,
  type TestDatabase,
} from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiProcess, startApiProcess } from "../api-process.ts";

// GraphQL abuse suite (issue #7): deep, wide and aliased queries, fragment bombs, huge variables,
// invalid JSON and documents, batches, each answered with its documented error (docs/graphql.md,
// docs/errors.md), while normal queries keep succeeding and the API process stays up.

let db: TestDatabase;
let api: ApiProcess;
let apiKey: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const tenant = await insertTenant(db.pool);
  apiKey = tenant.apiKey;
  const ep = await insertEndpoint(db.pool, tenant.id);
  await insertEvents(db.pool, ep, 30, new Date());
  api = await startApiProcess(db.url);
});
afterAll(async () => {
  if (api?.child.exitCode === null) await api.crash();
  await db?.drop();
});

interface Answer {
  status: number;
  code: string | null;
  ms: number;
  text: string;
}

async function post(body: string | Buffer, headers: Record<string, string> = {}): Promise<Answer> {
  const started = Date.now();
  try {
    const res = await fetch(`${api.url}/graphql`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", ...headers },
      body,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let code: string | null = null;
    try {
      const parsed = JSON.parse(text) as { errors?: { extensions?: { kapselCode?: string } }[] };
      code = parsed.errors?.[0]?.extensions?.kapselCode ?? null;
    } catch {
      code = null;
    }
    return { status: res.status, code, ms: Date.now() - started, text };
  } catch (error) {
    // The server may close a refused upload before reading it all (413): fetch then sees a reset.
    return { status: 0, code: String((error as Error).cause ?? error), ms: Date.now() - started, text: "" };
  }
}

const query = (q: string, variables?: unknown) => post(JSON.stringify({ query: q, variables }));

/** events > edges > node > endpoint > events > ...: `levels` connection hops (2 + 2 per hop deep). */
function deepQuery(levels: number): string {
  let inner = "id";
  for (let i = 0; i < levels; i++) inner = `events(first: 1) { edges { node { endpoint { ${inner} } } } }`;
  return `{ ${inner} }`;
}

function fragmentBomb(levels: number): string {
  const fragments = ["fragment F0 on Query { viewer { id name } }"];
  for (let i = 1; i <= levels; i++) fragments.push(`fragment F${i} on Query { ...F${i - 1} ...F${i - 1} }`);
  return `query { ...F${levels} } ${fragments.join(" ")}`;
}

function wideFragments(count: number): string {
  const fragments = Array.from({ length: count }, (_, i) => `fragment W${i} on Query { w${i}: viewer { id } }`);
  return `query { ${fragments.map((_, i) => `...W${i}`).join(" ")} } ${fragments.join(" ")}`;
}

function nestedArray(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}`;
}

interface AbuseCase {
  name: string;
  send: () => Promise<Answer>;
  /** Allowed HTTP statuses and the kapselCode expected (null: a normal answer). */
  status: number[];
  code: string | null;
}

const CASES: AbuseCase[] = [
  { name: "deep nesting (depth 42)", send: () => query(deepQuery(10)), status: [400], code: "E4005" },
  {
    name: "brace bomb (20,000 levels)",
    send: () => query(`{${"a{".repeat(20_000)}b${"}".repeat(20_001)}`),
    status: [400],
    code: "E4007",
  },
  {
    name: "5,000 aliases",
    send: () => query(`{ ${Array.from({ length: 5000 }, (_, i) => `a${i}: viewer { id }`).join(" ")} }`),
    status: [400],
    code: "E4007",
  },
  {
    name: "300 costly aliases",
    send: () =>
      query(
        `{ ${Array.from({ length: 300 }, (_, i) => `a${i}: events(first: 100) { edges { node { id } } }`).join(" ")} }`,
      ),
    status: [400],
    code: "E4006",
  },
  { name: "fragment bomb (2^40 spreads)", send: () => query(fragmentBomb(40)), status: [400], code: null },
  { name: "1,500 wide fragments", send: () => query(wideFragments(1500)), status: [400], code: null },
  {
    name: "fragment cycle",
    send: () => query("query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }"),
    status: [400],
    code: "E4007",
  },
  {
    name: "3,000 repeated directives",
    send: () => query(`{ viewer ${"@include(if: true) ".repeat(3000)}{ id } }`),
    status: [400],
    code: "E4007",
  },
  {
    name: "deep introspection",
    send: () => query(`{ __schema { types { ${"fields { type { ofType { ".repeat(8)}name${" } } }".repeat(8)} } } }`),
    status: [400],
    code: "E4007",
  },
  {
    name: "unused variables just under 1 MiB",
    send: () => query("{ viewer { id } }", { blob: "x".repeat(1_040_000) }),
    status: [200],
    code: null,
  },
  {
    name: "1 MiB string id",
    send: () => query("query($id: ID!) { event(id: $id) { id } }", { id: "evt_".padEnd(1_040_000, "x") }),
    status: [200],
    code: null,
  },
  {
    name: "variables over 1 MiB",
    send: () => query("{ viewer { id } }", { blob: "x".repeat(1_100_000) }),
    status: [413, 0],
    code: "E4008",
  },
  {
    name: "200,000-deep nested variable",
    send: () => post(`{"query":"query($v: ID!) { event(id: $v) { id } }","variables":{"v":${nestedArray(200_000)}}}`),
    status: [400],
    code: "E4003",
  },
  { name: "invalid JSON", send: () => post('{"query": "{ viewer { id } }"'), status: [400], code: "E4007" },
  { name: "invalid document", send: () => query("{ viewer { id "), status: [400], code: "E4007" },
  { name: "unknown field", send: () => query("{ viewer { password } }"), status: [400], code: "E4007" },
  {
    name: "batched operations",
    send: () => post(JSON.stringify([{ query: "{ viewer { id } }" }, { query: "{ viewer { id } }" }])),
    status: [400],
    code: "E4007",
  },
  {
    name: "two operations, no operationName",
    send: () => query("query A { viewer { id } } query B { viewer { id } }"),
    status: [400],
    code: "E4007",
  },
  {
    name: "text/plain (CSRF guard)",
    send: () => post("{ viewer { id } }", { "content-type": "text/plain" }),
    status: [400],
    code: "E4007",
  },
  { name: "no query", send: () => post("{}"), status: [400], code: "E4007" },
  {
    name: "huge document without a key",
    send: () => post(JSON.stringify({ query: `{ ${"viewer { id } ".repeat(50_000)} }` }), { authorization: "" }),
    status: [401],
    code: "E4001",
  },
];

describe("reliability: GraphQL abuse", () => {
  it("answers every abusive request with its documented error while normal queries keep working", async () => {
    // Normal traffic all along: it must never fail.
    let normalOk = 0;
    const normalFailures: string[] = [];
    let abusing = true;
    const background = (async () => {
      while (abusing) {
        const answer = await query("{ viewer { id } events(first: 5) { edges { node { id status } } } }");
        if (answer.status === 200 && answer.text.includes('"viewer"') && !answer.text.includes('"errors"')) normalOk++;
        else normalFailures.push(`${answer.status} ${answer.text.slice(0, 200)}`);
      }
    })();

    const results: { name: string; status: number; code: string | null; ms: number; ok: boolean }[] = [];
    for (const c of CASES) {
      const answer = await c.send();
      const ok = c.status.includes(answer.status) && (c.code === null || answer.code === c.code || answer.status === 0);
      results.push({ name: c.name, status: answer.status, code: answer.code, ms: answer.ms, ok });
      if (!ok) console.log(`[reliability:graphql-abuse] ${c.name}: ${answer.status} ${answer.text.slice(0, 300)}`);
      // Interleaved: a normal query right after each abuse.
      const after = await query("{ viewer { id } }");
      if (after.status !== 200) normalFailures.push(`after ${c.name}: ${after.status} ${after.text.slice(0, 200)}`);
    }
    // Then every abuse at once, twice over, with the normal traffic still running.
    for (let round = 0; round < 2; round++) {
      const burst = await Promise.all(CASES.map(async (c) => ({ c, answer: await c.send() })));
      for (const { c, answer } of burst) {
        const ok =
          c.status.includes(answer.status) && (c.code === null || answer.code === c.code || answer.status === 0);
        if (!ok)
          results.push({ name: `${c.name} (burst)`, status: answer.status, code: answer.code, ms: answer.ms, ok });
      }
    }
    abusing = false;
    await background;

    console.log(
      `[reliability:graphql-abuse] cases=${CASES.length}x3 not_as_documented=${results.filter((r) => !r.ok).length} as_documented_sequential=${results.filter((r) => r.ok).length} normal_queries_ok=${normalOk} normal_failures=${normalFailures.length} api_alive=${api.child.exitCode === null} ` +
        results.map((r) => `${r.name}=${r.status}${r.code ? `/${r.code}` : ""}@${r.ms}ms`).join("; "),
    );
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(normalFailures).toEqual([]);
    expect(normalOk).toBeGreaterThan(0);
    expect(api.child.exitCode).toBeNull();
    expect(api.child.signalCode).toBeNull();
  });
});
