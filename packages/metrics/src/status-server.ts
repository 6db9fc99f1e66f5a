import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ERROR_CODES, type ErrorCode, errorBody } from "@kapsel/core";
import type { Logger } from "@kapsel/logger";

export type StatusReadiness = { ready: true } | { ready: false; reason: string };

export interface StatusServerOptions {
  metrics: { readonly contentType: string; render(): Promise<string> };
  /** What GET /ready reports (e.g. checkReadiness from @kapsel/ingest); without it, /ready is not served. */
  readiness?: () => Promise<StatusReadiness>;
  /**
   * When set, GET /metrics needs `Authorization: Bearer <token>` (METRICS_TOKEN), compared in
   * constant time; anything else answers 401. /health and /ready stay open for probes.
   */
  token?: string | undefined;
  logger: Logger;
}

export interface StatusServer {
  readonly server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

/**
 * The private listener of every process that has metrics (METRICS_HOST:METRICS_PORT, loopback by
 * default): GET /metrics, /health and, when given a readiness check, /ready. The public ports
 * (ingest, API, console) serve no metrics: a scrape describes every tenant's traffic
 * (docs/security.md).
 */
export function createStatusServer(options: StatusServerOptions): StatusServer {
  let closing = false;
  const authorized = options.token === undefined ? () => true : bearerCheck(options.token);
  const server = createServer((req, res) => {
    const send = (status: number, contentType: string, text: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { ...headers, "content-type": contentType, "content-length": Buffer.byteLength(text) });
      res.end(text);
    };
    const json = "application/json; charset=utf-8";
    const sendError = (code: ErrorCode, detail?: string, headers?: Record<string, string>) =>
      send(ERROR_CODES[code].status, json, JSON.stringify(errorBody(code, detail)), headers);
    const answer = async (): Promise<void> => {
      if (req.method !== "GET") return sendError("E1009");
      if (req.url === "/metrics") {
        if (!authorized(req.headers.authorization)) {
          return sendError("E4001", "This listener's metrics need 'Authorization: Bearer <METRICS_TOKEN>'.", {
            "www-authenticate": 'Bearer realm="kapsel-metrics"',
          });
        }
        return send(200, options.metrics.contentType, await options.metrics.render());
      }
      if (req.url === "/health") return send(200, json, JSON.stringify({ status: "ok" }));
      if (req.url === "/ready" && options.readiness) {
        const readiness = closing ? { ready: false as const, reason: "shutting down" } : await options.readiness();
        return readiness.ready
          ? send(200, json, JSON.stringify({ status: "ready" }))
          : sendError("E3004", readiness.reason);
      }
      return sendError("E1009");
    };
    answer().catch((err: unknown) => {
      options.logger.error({ err }, "status request failed");
      if (!res.headersSent) sendError("E3001");
      else res.destroy();
    });
  });
  return {
    server,
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
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * Logs a warning when the listener is reachable from other machines (not loopback) and asks for no
 * token: anyone who reaches the port can read the process's metrics then.
 */
export function warnIfMetricsExposed(address: string, token: string | undefined, logger: Logger): void {
  if (token !== undefined || isLoopback(address)) return;
  logger.warn(
    { address },
    "the metrics listener is not on loopback and METRICS_TOKEN is unset: anyone who can reach it reads this process's metrics; set METRICS_TOKEN or keep the port off public networks (docs/security.md)",
  );
}

function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

/**
 * Whether an Authorization header carries exactly `Bearer <token>`. Both sides are hashed first, so
 * the comparison takes the same time whatever the header's length or content.
 */
function bearerCheck(token: string): (header: string | undefined) => boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  const expected = digest(`Bearer ${token}`);
  return (header) => timingSafeEqual(digest(header ?? ""), expected);
}
