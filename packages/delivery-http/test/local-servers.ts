import dc from "node:diagnostics_channel";
import http from "node:http";
import net from "node:net";

/**
 * Real loopback servers for the sender tests, plus a record of every outgoing connection
 * attempt so tests can prove what was (and was not) dialled.
 */

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

export interface LocalServer {
  readonly port: number;
  /** e.g. `http://127.0.0.1:1234` (no trailing slash). */
  readonly origin: string;
  /** TCP connections accepted so far. */
  connections(): number;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer) => void;

async function listen(server: net.Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return (server.address() as net.AddressInfo).port;
}

function tracked(server: net.Server): { sockets: Set<net.Socket>; count: () => number } {
  const sockets = new Set<net.Socket>();
  let count = 0;
  server.on("connection", (socket: net.Socket) => {
    count++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  return { sockets, count: () => count };
}

/** An HTTP server whose handler sees the fully read request body. */
export async function startHttpServer(handler: Handler, host = "127.0.0.1"): Promise<LocalServer> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
      handler(req, res, body);
    });
  });
  const { sockets, count } = tracked(server);
  const port = await listen(server, host);
  const origin = host.includes(":") ? `http://[${host}]:${port}` : `http://${host}:${port}`;
  return {
    port,
    origin,
    connections: count,
    requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A TCP server that accepts connections and then never says anything. */
export async function startSilentTcpServer(): Promise<LocalServer> {
  const server = net.createServer(() => {});
  const { sockets, count } = tracked(server);
  const port = await listen(server, "127.0.0.1");
  return {
    port,
    origin: `http://127.0.0.1:${port}`,
    connections: count,
    requests: [],
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A port that was just free on 127.0.0.1; connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server, "127.0.0.1");
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface ConnectionAttempts {
  /** Addresses dialled by plain TCP sockets, and remote addresses of sockets undici connected. */
  readonly addresses: string[];
  stop(): void;
}

/**
 * Records connection attempts process-wide: `net.client.socket` sees every `net.connect`
 * (plain HTTP), and `undici:client:connected` sees TLS sockets too once connected.
 */
export function recordConnectionAttempts(): ConnectionAttempts {
  const addresses: string[] = [];
  const onSocket = (message: unknown) => {
    const { socket } = message as { socket: net.Socket };
    socket.on("connectionAttempt", (address: string) => addresses.push(address));
  };
  const onConnected = (message: unknown) => {
    const { socket } = message as { socket: net.Socket };
    if (socket.remoteAddress) addresses.push(socket.remoteAddress);
  };
  dc.subscribe("net.client.socket", onSocket);
  dc.subscribe("undici:client:connected", onConnected);
  return {
    addresses,
    stop: () => {
      dc.unsubscribe("net.client.socket", onSocket);
      dc.unsubscribe("undici:client:connected", onConnected);
    },
  };
}

export function isLoopback(address: string): boolean {
  return address.startsWith("127.") || address === "::1" || address.startsWith("::ffff:127.");
}
