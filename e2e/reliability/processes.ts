import { freePort } from "@kapsel/test-support";
import { type ApiProcess, startApiProcess } from "../api-process.ts";
import { startWorkerProcess, type WorkerProcess } from "../worker-process.ts";

/**
 * The platform split into the processes an operator can run separately: ingest only, delivery only
 * (apps/worker with KAPSEL_ROLES=ingest / deliver, docs/operations.md "Roles"), and the API. Each one can be killed and
 * restarted; ingest comes back on the same port, as behind a load balancer.
 */
export class Platform {
  ingest: WorkerProcess | null = null;
  delivery: WorkerProcess | null = null;
  api: ApiProcess | null = null;
  private ingestPort = 0;

  constructor(
    private readonly databaseUrl: string,
    private readonly extraEnv: Record<string, string> = {},
  ) {}

  get ingestUrl(): string {
    return `http://127.0.0.1:${this.ingestPort}`;
  }

  async startIngest(): Promise<void> {
    if (this.ingestPort === 0) this.ingestPort = await freePort();
    this.ingest = await startWorkerProcess({
      ...this.env(),
      INGEST_PORT: String(this.ingestPort),
      KAPSEL_ROLES: "ingest",
    });
  }

  async startDelivery(): Promise<void> {
    this.delivery = await startWorkerProcess({ ...this.env(), KAPSEL_ROLES: "deliver" });
  }

  /** Where each running process serves GET /metrics: its private listener (a free port each). */
  metricsUrls(): { ingest: string | null; delivery: string | null; api: string | null } {
    const url = (p: { ready: Record<string, unknown> } | null) => {
      const port = p?.ready.metricsPort;
      return typeof port === "number" ? `http://127.0.0.1:${port}/metrics` : null;
    };
    return { ingest: url(this.ingest), delivery: url(this.delivery), api: url(this.api) };
  }

  async startApi(): Promise<void> {
    this.api = await startApiProcess(this.databaseUrl);
  }

  /** SIGKILL everything still running (test clean-up). */
  async killAll(): Promise<void> {
    await Promise.all(
      [this.ingest, this.delivery, this.api].map((p) => (p && p.child.exitCode === null ? p.crash() : undefined)),
    );
  }

  /** Processes that exited although nobody stopped them (a crash of ours would show here). */
  alive(): { ingest: boolean; delivery: boolean; api: boolean } {
    const up = (p: { child: { exitCode: number | null; signalCode: string | null } } | null) =>
      p !== null && p.child.exitCode === null && p.child.signalCode === null;
    return { ingest: up(this.ingest), delivery: up(this.delivery), api: up(this.api) };
  }

  private env(): Record<string, string> {
    return {
      DATABASE_URL: this.databaseUrl,
      DELIVERY_ALLOW_ADDRESSES: "127.0.0.0/8",
      DELIVERY_CONCURRENCY: "32",
      DELIVERY_POLL_MS: "200",
      DELIVERY_SWEEP_MS: "300",
      DELIVERY_LEASE_MARGIN_MS: "1000",
      INGEST_ENDPOINT_CACHE_MS: "1000",
      ...this.extraEnv,
    };
  }
}

/** GraphQL POST with a tenant key; resolves with the HTTP status and parsed body. */
export async function graphql(
  apiUrl: string,
  apiKey: string,
  query: string,
  variables?: Record<string, unknown>,
): Promise<{ status: number; body: { data?: Record<string, unknown> | null; errors?: unknown[] } }> {
  const res = await fetch(`${apiUrl}/graphql`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown> | null } };
}
