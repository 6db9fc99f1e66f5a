import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { Pool } from "@kapsel/db";
import type { Logger } from "@kapsel/logger";
import { routeAttestation } from "./attestation-routes.ts";
import { error, json } from "./responses.ts";

export interface ApiServer {
  readonly server: Server;
  listen(port: number, host: string): Promise<AddressInfo>;
  close(): Promise<void>;
}

export interface ApiServerOptions {
  pool: Pool;
  logger: Logger;
  /** Serves /graphql (GET and POST), e.g. createGraphQLApi(...).handle from @kapsel/graphql-api. */
  graphql?: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  /**
   * Serves WebSocket upgrades of /graphql (subscriptions), e.g. createGraphQLApi(...).webSocket.
   * Its sockets are closed by close().
   */
  graphqlWebSocket?: {
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
    close(): Promise<void>;
  };
}

/**
 * apps/api's HTTP server: the attestation routes and, when given, GraphQL at /graphql. It faces
 * the internet, so it serves no /metrics: apps/api serves them on its private listener
 * (createStatusServer from @kapsel/metrics; docs/security.md).
 */
export function createApiServer(options: ApiServerOptions): ApiServer {
  // Requests being handled; close() waits for them so that the pool outlives every handler.
  const handling = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const handled = (async () => {
      if (req.method === "GET" && url.pathname === "/health") return json(res, 200, { status: "ok" });
      if (url.pathname === "/graphql" && options.graphql) return options.graphql(req, res);
      if (await routeAttestation(options.pool, req, res, url)) return;
      error(res, "E4002", { detail: "No such route." });
    })().catch((err: unknown) => {
      options.logger.error({ err, path: url.pathname }, "API request failed");
      if (!res.headersSent) error(res, "E3001", { retryAfterSeconds: 2 });
      else res.destroy();
    });
    handling.add(handled);
    void handled.finally(() => handling.delete(handled));
  });
  const webSocket = options.graphqlWebSocket;
  if (webSocket) {
    server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on("error", () => socket.destroy());
      if (new URL(req.url ?? "/", "http://localhost").pathname === "/graphql")
        return webSocket.upgrade(req, socket, head);
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    });
  }
  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => resolve(server.address() as AddressInfo));
      }),
    close: async () => {
      const closed = new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      // Upgraded sockets keep the server open until they end.
      await Promise.all([closed, webSocket?.close(), Promise.allSettled([...handling])]);
    },
  };
}
