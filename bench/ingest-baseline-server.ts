import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

// The "bare Node" baseline of the ingest benchmark: the same exchange as POST /ingest/:id (read the
// whole body, answer 202 with a small JSON body carrying a fresh id) with no validation and no
// database, so the ratio Kapsel/baseline shows what durable ingest costs on top of Node's HTTP.

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    Buffer.concat(chunks);
    const text = JSON.stringify({ event_id: `evt_${randomUUID().replaceAll("-", "")}`, status: "accepted" });
    res.writeHead(202, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  });
});
server.keepAliveTimeout = 65_000; // as the ingest server, so neither closes benchmark connections

server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "ready", ingestPort: (server.address() as AddressInfo).port });
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop); // the benchmark died without stopping us
