import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Clock, errorBody, GroupCommitter, systemClock } from "@kapsel/core";
import type { NewEvent, Pool } from "@kapsel/db";
import { MemoryBudget, type MinimumUploadRate } from "@kapsel/http-body";
import type { Logger } from "@kapsel/logger";
import { DEFAULT_ROUTING_INLINE_MAX } from "@kapsel/routing";
import type { SecretOpener } from "@kapsel/secrets";
import { type AdmissionSettings, IngestAdmission } from "./admission.ts";
import { type CommitOutcome, commitEvents } from "./commit-events.ts";
import { sendError, sendJson } from "./http-responses.ts";
import { handleIngest, type IngestDeps, type IngestOutcomeCounter } from "./ingest-request.ts";
import { traceCommit, tracedOutcomes, traceIngestRequest, tracePublishRequest } from "./ingest-tracing.ts";
import { type IngestTarget, loadIngestTarget } from "./ingest-url-source.ts";
import { ObservedTypes, type ObservedTypesOptions } from "./observed-types.ts";
import { ApiKeyTenants } from "./publish-auth.ts";
import { PublishCatalog } from "./publish-catalog.ts";
import { handlePublish, type PublishDeps } from "./publish-request.ts";
import { loadPublishTarget, type PublishTarget } from "./publish-target.ts";
import { checkReadiness } from "./readiness.ts";
import { SourceCache } from "./source-cache.ts";
import { TenantBudgets } from "./tenant-budgets.ts";
import { type UnverifiedLimit, UnverifiedSenders } from "./unverified-senders.ts";

/** Defaults of the admission-before-authentication controls (issue #11, finding 4; docs/configuration.md). */
export const INGEST_ABUSE_DEFAULTS = {
  /** A tenant may hold this share of the process's in-memory bytes. */
  tenantShareOfQueuedBytes: 1 / 4,
  minUploadRate: { bytesPerSecond: 32 * 1024, graceMs: 5_000 },
  unverified: { maxFailures: 100, windowMs: 10_000 },
} as const satisfies {
  tenantShareOfQueuedBytes: number;
  minUploadRate: MinimumUploadRate;
  unverified: UnverifiedLimit;
};

export interface IngestServerOptions {
  pool: Pool;
  logger: Logger;
  clock?: Clock;
  maxBodyBytes: number;
  maxBatch: number;
  maxConcurrentCommits: number;
  maxQueued: number;
  maxQueuedBytes: number;
  /** How long a looked-up ingest URL (its source, or its absence) is reused (INGEST_ENDPOINT_CACHE_MS). */
  endpointCacheMs: number;
  /**
   * How long a tenant API key's lookup (hit or miss) is reused by POST /publish
   * (INGEST_API_KEY_CACHE_MS, default 5000): a revoked key stops working within this bound.
   */
  apiKeyCacheMs?: number;
  /** Bytes one tenant's requests may hold in memory; default a quarter of maxQueuedBytes. */
  tenantMaxQueuedBytes?: number;
  /** Bodies arriving slower are refused 408 E1012; null: no minimum. */
  minUploadRate?: MinimumUploadRate | null;
  /** Verification failures per client address before 429 E1013. */
  unverified?: UnverifiedLimit;
  /** Opens the endpoints' sealed source secrets: only processes holding the master key verify ingest. */
  secrets: SecretOpener;
  /** Rate limits and backpressure (decision 0015); every part has a default. */
  admission?: AdmissionSettings;
  migrationsDir?: string;
  /**
   * Counts ingest outcomes (e.g. createMetrics from @kapsel/metrics). The ingest port faces the
   * internet, so it serves no /metrics: the process's private listener does (docs/security.md).
   */
  metrics?: IngestOutcomeCounter;
  /**
   * An event matching more endpoints than this is stored with a routing_backlog row and routed by
   * the worker's router instead of in the request (decision 0025; ROUTING_INLINE_MAX). Default 32;
   * 0: every event with a match goes to the routing stage.
   */
  routingInlineMax?: number;
  /** Flush interval, cap, timer of the observed-types recorder (docs/routing.md); all have defaults. */
  observedTypes?: Omit<ObservedTypesOptions, "pool" | "logger" | "clock">;
}

export interface IngestServer {
  readonly server: Server;
  /** Lists committed events' types in the catalogs, flushed on a timer and on close. */
  readonly observedTypes: ObservedTypes;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, lets requests in progress finish and their commits land, then closes. */
  close(): Promise<void>;
}

const INGEST_PATH = /^\/ingest\/([^/?#]+)\/?(?:\?.*)?$/;
const PUBLISH_PATH = /^\/publish\/?(?:\?.*)?$/;

/** Default of INGEST_API_KEY_CACHE_MS: how long a revoked key may still publish. */
export const DEFAULT_API_KEY_CACHE_MS = 5_000;

export function createIngestServer(options: IngestServerOptions): IngestServer {
  const clock = options.clock ?? systemClock;
  const admission = new IngestAdmission(options.pool, clock, options.logger, options.admission);
  admission.start();
  const observedTypes = new ObservedTypes({
    ...options.observedTypes,
    pool: options.pool,
    logger: options.logger,
    clock,
  });
  observedTypes.start();
  const committer = new GroupCommitter<NewEvent, CommitOutcome>({
    flush: async (events) => {
      const outcomes = await traceCommit(events, () =>
        admission.latency.time(() => commitEvents(options.pool, events, new Date(clock.now()))),
      );
      // After the commit, in memory only: the catalog write happens on observedTypes' timer.
      outcomes.forEach((o, i) => {
        if (o.outcome === "accepted") observedTypes.note(events[i]!.tenantId, events[i]!.type);
      });
      return outcomes;
    },
    maxBatch: options.maxBatch,
    maxConcurrent: options.maxConcurrentCommits,
    maxQueued: options.maxQueued,
  });
  const deps: IngestDeps = {
    sources: new SourceCache<IngestTarget>(
      (id) => loadIngestTarget(options.pool, id, options.logger),
      options.endpointCacheMs,
      clock,
    ),
    committer,
    admission,
    budgets: new TenantBudgets(
      new MemoryBudget(options.maxQueuedBytes),
      options.tenantMaxQueuedBytes ??
        Math.ceil(options.maxQueuedBytes * INGEST_ABUSE_DEFAULTS.tenantShareOfQueuedBytes),
    ),
    minUploadRate: options.minUploadRate === undefined ? INGEST_ABUSE_DEFAULTS.minUploadRate : options.minUploadRate,
    unverified: new UnverifiedSenders(options.unverified ?? INGEST_ABUSE_DEFAULTS.unverified, clock),
    clock,
    logger: options.logger,
    maxBodyBytes: options.maxBodyBytes,
    secrets: options.secrets,
    metrics: tracedOutcomes(options.metrics),
    routingInlineMax: options.routingInlineMax ?? DEFAULT_ROUTING_INLINE_MAX,
  };
  const publishDeps: PublishDeps = {
    ...deps,
    apiKeys: new ApiKeyTenants(options.pool, options.apiKeyCacheMs ?? DEFAULT_API_KEY_CACHE_MS, clock),
    targets: new SourceCache<PublishTarget>(
      (tenantId) => loadPublishTarget(options.pool, tenantId, options.logger),
      options.endpointCacheMs,
      clock,
    ),
    catalog: new PublishCatalog(options.pool, options.endpointCacheMs, clock, options.logger),
  };
  let closing = false;

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? "/";
    const ingest = INGEST_PATH.exec(url);
    if (ingest) {
      if (req.method !== "POST") return sendError(res, "E1008");
      if (closing) return sendError(res, "E3004", { retryAfterSeconds: 1, closeConnection: true });
      const urlId = safeDecode(ingest[1]!);
      return traceIngestRequest(req, urlId, () => handleIngest(req, res, urlId, deps));
    }
    if (PUBLISH_PATH.test(url)) {
      if (req.method !== "POST") return sendError(res, "E1008");
      if (closing) return sendError(res, "E3004", { retryAfterSeconds: 1, closeConnection: true });
      return tracePublishRequest(req, () => handlePublish(req, res, publishDeps));
    }
    if (req.method === "GET" && url === "/health") return sendJson(res, 200, { status: "ok" });
    if (req.method === "GET" && url === "/ready") {
      const readiness = closing
        ? { ready: false as const, reason: "shutting down" }
        : await checkReadiness(options.pool, options.migrationsDir);
      return readiness.ready
        ? sendJson(res, 200, { status: "ready" })
        : sendError(res, "E3004", { detail: readiness.reason });
    }
    return sendError(res, "E1009");
  };

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      // Infrastructure failure outside the commit path (e.g. endpoint lookup): nothing was stored.
      options.logger.error({ err: error }, "ingest request failed");
      if (INGEST_PATH.test(req.url ?? "") || PUBLISH_PATH.test(req.url ?? "")) {
        options.metrics?.ingestOutcome("rejected_E3001");
      }
      if (!res.headersSent) sendError(res, "E3001", { retryAfterSeconds: 2 });
      else res.destroy();
    });
  });
  // Unparseable HTTP never reaches the handler; answer it in the documented error format.
  server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
    if (error.code === "ECONNRESET" || !socket.writable) return socket.destroy();
    const body = JSON.stringify(errorBody("E1007"));
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  server.keepAliveTimeout = 65_000; // longer than typical load balancer idle timeouts
  server.headersTimeout = 66_000;
  server.requestTimeout = 120_000; // a slow 10 MiB upload still fits; a stalled one does not linger

  return {
    server,
    observedTypes,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    close: async () => {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await committer.drain();
      await observedTypes.stop();
      await closed;
      admission.stop();
    },
  };
}

/** A malformed percent-encoding cannot name a source; "" falls through to 404 E1001. */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return "";
  }
}
