import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  at: number;
}

export type ReceiverHandler = (req: ReceivedRequest, res: ServerResponse) => unknown;

export interface Receiver {
  url: string;
  port: number;
  requests: ReceivedRequest[];
  /** Most requests this receiver was handling at the same moment. */
  peakConcurrency: number;
  /** Replace how it answers (default: 200 "ok"). */
  setHandler(handler: ReceiverHandler): void;
  close(): Promise<void>;
}

/** A real local HTTP server standing in for a tenant's endpoint; records every request. */
export async function startReceiver(handler?: ReceiverHandler): Promise<Receiver> {
  let current: ReceiverHandler =
    handler ??
    ((_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  const requests: ReceivedRequest[] = [];
  let active = 0;
  const state = { peak: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    active++;
    state.peak = Math.max(state.peak, active);
    res.on("close", () => active--);
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const received = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: Date.now(),
      };
      requests.push(received);
      Promise.resolve(current(received, res)).catch(() => res.destroy());
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    port,
    requests,
    get peakConcurrency() {
      return state.peak;
    },
    setHandler: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
