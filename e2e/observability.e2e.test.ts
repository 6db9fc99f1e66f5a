import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { generateSignerKey } from "@kapsel/attestation";
import {
  createTestDatabase,
  insertEndpoint,
  insertTenant,
  type Receiver,
  startReceiver,
  TEST_SECRETS_KEY,
  TEST_SIGNING_SECRET,
  type TestDatabase,
  waitFor,
} from "@kapsel/test-support";
import { signSourceRequest } from "@kapsel/webhook-signatures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// One signed webhook through a real worker process with tracing on (OTLP over HTTP to a local
// collector) and debug logs captured: the spans of ingest, commit, claim, delivery and attestation
// share the event id and one trace; the logs name the event; no secret or payload is ever logged.

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes?: { key: string; value: Record<string, unknown> }[];
  links?: { traceId: string; spanId: string }[];
}

let db: TestDatabase;
let receiver: Receiver;
let collector: Receiver;

beforeAll(async () => {
  db = await createTestDatabase();
  receiver = await startReceiver();
  collector = await startReceiver((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
});
afterAll(async () => {
  await Promise.all([receiver?.close(), collector?.close()]);
  await db?.drop();
});

function exportedSpans(): OtlpSpan[] {
  return collector.requests.flatMap((r) => {
    const body = JSON.parse(r.body.toString("utf8")) as {
      resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
    };
    return body.resourceSpans.flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
  });
}

function attribute(span: OtlpSpan | undefined, key: string): unknown {
  const value = span?.attributes?.find((a) => a.key === key)?.value;
  if (!value) return undefined;
  if ("arrayValue" in value) {
    return ((value.arrayValue as { values?: { stringValue: string }[] }).values ?? []).map((v) => v.stringValue);
  }
  return Object.values(value)[0];
}

function startWorker(env: Record<string, string>): {
  child: ChildProcess;
  output: () => string;
  ready: Promise<Record<string, unknown>>;
} {
  const child = fork(fileURLToPath(new URL("../apps/worker/src/main.ts", import.meta.url)), [], {
    env: { ...process.env, METRICS_PORT: "0", ...env },
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const chunks: Buffer[] = [];
  child.stdout?.on("data", (c: Buffer) => chunks.push(c));
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.on("message", (m: Record<string, unknown>) => m.type === "ready" && resolve(m));
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
  });
  return { child, ready, output: () => Buffer.concat(chunks).toString("utf8") };
}

describe("tracing and correlated logs through a running worker", () => {
  it("joins ingest, delivery and attestation in one trace by event id, and logs no secret or payload", async () => {
    const sourceSecret = `src-secret-${randomBytes(12).toString("hex")}`;
    const payloadMarker = `payload-marker-${randomBytes(12).toString("hex")}`;
    const tenant = await insertTenant(db.pool);
    const ep = await insertEndpoint(db.pool, tenant.id, { url: receiver.url, sourceScheme: "github", sourceSecret });
    let calls = 0;
    receiver.setHandler((_req, res) => {
      calls++;
      res.writeHead(calls === 1 ? 503 : 200).end(calls === 1 ? `busy ${payloadMarker}` : "ok");
    });
    const signing = generateSignerKey("kapsel.e2e/log");
    const worker = startWorker({
      DATABASE_URL: db.url,
      MIGRATE_ON_START: "false",
      INGEST_PORT: "0",
      LOG_LEVEL: "debug",
      DELIVERY_ALLOW_ADDRESSES: "127.0.0.0/8",
      DELIVERY_POLL_MS: "100",
      ATTEST_SIGNING_KEY: signing.signerKey,
      KAPSEL_SECRETS_KEY: TEST_SECRETS_KEY,
      ATTEST_CHECK_MS: "50",
      ATTEST_MAX_DELAY_MS: "100",
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collector.port}`,
      OTEL_BSP_SCHEDULE_DELAY: "100",
    });
    try {
      const ready = await worker.ready;
      const body = Buffer.from(JSON.stringify({ type: "demo", secret_field: payloadMarker }));
      const sourceHeaders = signSourceRequest({ scheme: "github", secret: sourceSecret }, body, Date.now(), "gh-1");
      const callerTrace = randomBytes(16).toString("hex");
      const callerSpan = randomBytes(8).toString("hex");
      const res = await fetch(`http://127.0.0.1:${String(ready.ingestPort)}/ingest/${ep.id}`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          traceparent: `00-${callerTrace}-${callerSpan}-01`,
          ...sourceHeaders,
        },
        body,
      });
      expect(res.status).toBe(202);
      const { event_id: eventId } = (await res.json()) as { event_id: string };

      // First attempt 503 (a retry is scheduled), the second delivers; both carry the trace.
      await waitFor(async () => receiver.requests.length === 2);
      for (const request of receiver.requests) {
        expect(String(request.headers.traceparent)).toMatch(new RegExp(`^00-${callerTrace}-[0-9a-f]{16}-01$`));
      }
      const stored = await db.pool.query("SELECT trace_context FROM events WHERE id = $1", [eventId]);
      expect(stored.rows[0].trace_context).toMatch(new RegExp(`^00-${callerTrace}-[0-9a-f]{16}-01$`));
      await waitFor(async () => (await db.pool.query("SELECT count(*)::int AS n FROM merkle_leaves")).rows[0].n === 2);

      const names = ["ingest.request", "ingest.commit", "delivery.claim", "delivery.attempt", "attestation.commit"];
      const committedIds = () =>
        exportedSpans()
          .filter((s) => s.name === "attestation.commit")
          .flatMap((s) => attribute(s, "kapsel.event_ids") as string[]);
      await waitFor(
        () => names.every((n) => exportedSpans().some((s) => s.name === n)) && committedIds().length === 2,
        20_000,
        100,
      );
      const spans = exportedSpans();
      const request = spans.find((s) => s.name === "ingest.request");
      expect(request).toMatchObject({ traceId: callerTrace, parentSpanId: callerSpan });
      expect(attribute(request, "kapsel.event_id")).toBe(eventId);
      expect(attribute(request, "kapsel.outcome")).toBe("accepted");
      const commit = spans.find((s) => s.name === "ingest.commit");
      expect(attribute(commit, "kapsel.event_ids")).toEqual([eventId]);
      expect(commit?.links?.map((l) => l.spanId)).toEqual([request?.spanId]);
      const attempts = spans.filter((s) => s.name === "delivery.attempt");
      expect(attempts).toHaveLength(2);
      for (const attempt of attempts) {
        expect(attempt).toMatchObject({ traceId: callerTrace, parentSpanId: request?.spanId });
        expect(attribute(attempt, "kapsel.event_id")).toBe(eventId);
      }
      expect(attempts.map((a) => attribute(a, "http.response.status_code")).sort()).toEqual(["200", "503"].map(Number));
      expect(
        spans.filter((s) => s.name === "delivery.claim").flatMap((s) => attribute(s, "kapsel.event_ids") as string[]),
      ).toContain(eventId);
      expect(committedIds()).toEqual([eventId, eventId]);
    } finally {
      worker.child.kill("SIGTERM");
      await new Promise((resolve) => worker.child.once("exit", resolve));
    }

    const text = worker.output();
    const lines = text
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const about = (msg: string) => lines.filter((l) => l.msg === msg);
    const eventIds = new Set(lines.map((l) => l.eventId).filter(Boolean));
    expect(eventIds.size).toBe(1);
    const [eventId] = eventIds;
    expect(about("event accepted")[0]).toMatchObject({ eventId, endpointId: ep.id });
    expect(about("delivery attempt failed; retry scheduled")[0]).toMatchObject({
      eventId,
      endpointId: ep.id,
      status: 503,
    });
    expect(about("delivery attempt succeeded")[0]).toMatchObject({ eventId, status: 200 });
    expect(about("attempt committed to the log").map((l) => l.eventId)).toEqual([eventId, eventId]);
    expect(about("delivery attempt succeeded")[0]?.attemptId).toMatch(/^att_/);
    // Secrets and payloads (the request's, the receiver's answer) never reach the logs.
    for (const secret of [
      sourceSecret,
      payloadMarker,
      TEST_SIGNING_SECRET,
      TEST_SIGNING_SECRET.slice("whsec_".length),
      signing.signerKey,
      TEST_SECRETS_KEY.slice(TEST_SECRETS_KEY.lastIndexOf(":") + 1),
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain("sha256="); // the source signature header
  });
});
