import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifySource } from "@kapsel/webhook-signatures";

/**
 * Stands in for the tenant's application in the one-command demo: receives deliveries, checks
 * their Standard Webhooks signature with the endpoint's signing secret, and prints each one.
 */
export async function startDemoReceiver(options: {
  host: string;
  port: number;
  signingSecret: () => Promise<string | null>;
  print: (line: string) => void;
}): Promise<{ url: string; port: number; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      void (async () => {
        const body = Buffer.concat(chunks);
        const secret = await options.signingSecret();
        const check = secret
          ? verifySource({ scheme: "standard-webhooks", secret }, req.headers, body, Date.now())
          : { outcome: "rejected" as const, detail: "no signing secret" };
        const verdict = check.outcome === "verified" ? "signature verified" : `SIGNATURE REJECTED (${check.detail})`;
        options.print(
          `[demo receiver] ${String(req.headers["webhook-id"])} received (attempt ${String(req.headers["kapsel-attempt-id"])}), ${verdict}: ${body.toString("utf8", 0, 200)}`,
        );
        res.writeHead(check.outcome === "verified" ? 200 : 401, { "content-type": "text/plain" }).end(verdict);
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}/webhook`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
