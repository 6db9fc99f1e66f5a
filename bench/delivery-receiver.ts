import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

// The webhook receiver of the delivery benchmark, in its own process so that it does not share an
// event loop (or a core's worth of CPU accounting) with the worker under test. It answers 200 at
// once and counts requests per `webhook-id`, so the benchmark can check that every event arrived
// and how many arrived more than once. Control routes live under /_bench/.

interface Seen {
  count: number;
  /** Epoch milliseconds (sub-millisecond precision) of the first arrival. */
  firstAt: number;
}

let seen = new Map<string, Seen>();
let requests = 0;
let withoutId = 0;

const now = () => performance.timeOrigin + performance.now();

const server = createServer((req, res) => {
  if (req.url?.startsWith("/_bench/")) return control(req.method ?? "", req.url, res);
  const at = now();
  req.resume(); // drain the body without keeping it: only the headers are needed
  req.on("end", () => {
    requests++;
    const id = req.headers["webhook-id"];
    if (typeof id !== "string") withoutId++;
    else {
      const entry = seen.get(id);
      if (entry) entry.count++;
      else seen.set(id, { count: 1, firstAt: at });
    }
    res.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
    res.end("ok");
  });
});
// Longer than any run's pause, so neither side closes connections while the benchmark runs.
server.keepAliveTimeout = 65_000;

function control(method: string, url: string, res: import("node:http").ServerResponse): void {
  let body: unknown;
  if (method === "POST" && url === "/_bench/reset") {
    seen = new Map();
    requests = 0;
    withoutId = 0;
    body = { ok: true };
  } else if (url === "/_bench/stats") {
    let duplicated = 0;
    for (const entry of seen.values()) if (entry.count > 1) duplicated++;
    body = { requests, unique: seen.size, duplicated, withoutId };
  } else if (url === "/_bench/arrivals") {
    body = Object.fromEntries([...seen].map(([id, entry]) => [id, entry.firstAt]));
  } else {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
}

server.listen(0, "127.0.0.1", () => {
  process.send?.({ type: "ready", port: (server.address() as AddressInfo).port });
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.on("disconnect", stop); // the benchmark died without stopping us
