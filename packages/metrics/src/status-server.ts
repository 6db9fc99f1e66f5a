import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ERROR_CODES, type ErrorCode, errorBody } from "@kapsel/core";
import type { Logger } from "@kapsel/logger";

export type StatusReadiness = { ready: true } | { ready: false; reason: string };

export interface StatusServerOptions {
  metrics: { readonly contentType: string; render(): Promise<string> };
  /** What GET /ready reports (e.g. checkReadiness from @kapsel/ingest). */
  readiness: () => Promise<StatusReadiness>;
  logger: Logger;
}

export interface StatusServer {
  readonly server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

/**
 * GET /metrics, /health and /ready for a worker process that runs no ingest server (the ingest
 * server answers the same routes itself), so delivery-only and attest-only processes can be
 * scraped and probed like the others.
 */
export function createStatusServer(options: StatusServerOptions): StatusServer {
  let closing = false;
  const server = createServer((req, res) => {
    const send = (status: number, contentType: string, text: string) => {
      res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
      res.end(text);
    };
    const json = "application/json; charset=utf-8";
    const sendError = (code: ErrorCode, detail?: string) =>
      send(ERROR_CODES[code].status, json, JSON.stringify(errorBody(code, detail)));
    const answer = async (): Promise<void> => {
      if (req.method !== "GET") return sendError("E1009");
      if (req.url === "/metrics") return send(200, options.metrics.contentType, await options.metrics.render());
      if (req.url === "/health") return send(200, json, JSON.stringify({ status: "ok" }));
      if (req.url === "/ready") {
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
