import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * How the receiver answers deliveries: 200, 500, or 200 after a delay. Whatever the mode,
 * `/status/<code>` always answers that code (specs whose endpoints must differ from each other).
 */
export type ReceiverMode = "ok" | "fail" | "slow";
const MODES: readonly ReceiverMode[] = ["ok", "fail", "slow"];

export interface ControllableReceiver {
  /** Where endpoints deliver (any path but /control). */
  readonly url: string;
  /** `POST {url-origin}/control?mode=ok|fail|slow` switches the behaviour; `GET` reads it. */
  readonly controlUrl: string;
  close(): Promise<void>;
}

/**
 * Stands in for a tenant's application in the console suite. It runs in Playwright's global setup
 * (the specs run in worker processes), so specs switch its behaviour over HTTP (`setReceiverMode`).
 */
export async function startControllableReceiver(options: { slowMs?: number } = {}): Promise<ControllableReceiver> {
  let mode: ReceiverMode = "ok";
  const received: { path: string; webhookId: string; at: number }[] = [];
  const server: Server = createServer((req, res) => {
    void readBody(req).then(() => {
      const url = new URL(req.url ?? "/", "http://receiver");
      if (url.pathname === "/control") {
        const next = url.searchParams.get("mode");
        if (req.method === "POST" && !MODES.includes(next as ReceiverMode)) {
          res.writeHead(400, { "content-type": "text/plain" }).end(`mode must be one of ${MODES.join(", ")}`);
          return;
        }
        if (req.method === "POST") mode = next as ReceiverMode;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ mode, received }));
        return;
      }
      received.push({ path: url.pathname, webhookId: String(req.headers["webhook-id"]), at: Date.now() });
      const fixed = /^\/status\/([2-5]\d\d)$/.exec(url.pathname);
      if (fixed) {
        res.writeHead(Number(fixed[1]), { "content-type": "text/plain" }).end(`status ${fixed[1]} on purpose`);
      } else if (mode === "fail") {
        res.writeHead(500, { "content-type": "text/plain" }).end("receiver is failing on purpose");
      } else if (mode === "slow") {
        setTimeout(
          () => res.writeHead(200, { "content-type": "text/plain" }).end("ok, slowly"),
          options.slowMs ?? 3_000,
        );
      } else {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/webhook`,
    controlUrl: `${origin}/control`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
