import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createHttpSender,
  createSsrfPolicy,
  type HttpSender,
  type SendRequest,
  type SendResult,
} from "../src/index.ts";
import {
  type ConnectionAttempts,
  isLoopback,
  type LocalServer,
  recordConnectionAttempts,
  startHttpServer,
} from "./local-servers.ts";

const loopbackPolicy = (() => {
  const created = createSsrfPolicy(["127.0.0.0/8", "::1/128"]);
  if (!created.ok) throw new Error("test policy must be valid");
  return created.policy;
})();

const SIGNATURE = "v1,c2lnbmF0dXJlLXNlY3JldC12YWx1ZQ==";

function request(url: string, overrides: Partial<SendRequest> = {}): SendRequest {
  return {
    url,
    headers: { "content-type": "application/json", "webhook-signature": SIGNATURE },
    body: Buffer.from('{"type":"test"}'),
    connectTimeoutMs: 1_000,
    responseTimeoutMs: 2_000,
    ...overrides,
  };
}

function asResponse(result: SendResult) {
  if (result.kind !== "response") throw new Error(`expected a response, got ${result.errorClass}: ${result.message}`);
  return result;
}

let attempts: ConnectionAttempts;
const senders: HttpSender[] = [];
const servers: LocalServer[] = [];

function sender(options: Partial<Parameters<typeof createHttpSender>[0]> = {}): HttpSender {
  const created = createHttpSender({ policy: loopbackPolicy, ...options });
  senders.push(created);
  return created;
}

async function server(...args: Parameters<typeof startHttpServer>): Promise<LocalServer> {
  const started = await startHttpServer(...args);
  servers.push(started);
  return started;
}

beforeAll(() => {
  attempts = recordConnectionAttempts();
});
afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  // No test in this file may reach anything but loopback.
  expect(attempts.addresses.filter((a) => !isLoopback(a))).toEqual([]);
  attempts.addresses.splice(0);
});
afterAll(() => attempts.stop());

describe("responses", () => {
  it("returns a 2xx with status, headers and body, and sends the request as given", async () => {
    const target = await server((_req, res) => {
      res.writeHead(201, { "x-request-id": "abc", "content-type": "text/plain" });
      res.end("created");
    });
    const result = asResponse(await sender().send(request(`${target.origin}/hooks/in?x=1`)));
    expect(result.status).toBe(201);
    expect(result.headers["x-request-id"]).toBe("abc");
    expect(result.headers["content-type"]).toBe("text/plain");
    expect(result.body.toString()).toBe("created");
    expect(result.bodyTruncated).toBe(false);
    expect(result.durationMs).toBeGreaterThan(0);

    const [seen] = target.requests;
    expect(seen?.method).toBe("POST");
    expect(seen?.path).toBe("/hooks/in?x=1");
    expect(seen?.headers["webhook-signature"]).toBe(SIGNATURE);
    expect(seen?.headers["content-type"]).toBe("application/json");
    expect(seen?.headers["user-agent"]).toBe("Kapsel-Webhooks/1.0");
    expect(seen?.body.toString()).toBe('{"type":"test"}');
  });

  it("returns 4xx and 5xx as responses, joining repeated headers", async () => {
    const target = await server((req, res) => {
      if (req.url === "/missing") {
        res.writeHead(404, { "content-type": "application/json" });
        res.end('{"error":"no such hook"}');
        return;
      }
      res.setHeader("retry-after", "30");
      res.setHeader("x-multi", ["a", "b"]);
      res.writeHead(503);
      res.end("down for maintenance");
    });
    const s = sender();
    const notFound = asResponse(await s.send(request(`${target.origin}/missing`)));
    expect(notFound.status).toBe(404);
    expect(notFound.body.toString()).toBe('{"error":"no such hook"}');
    const unavailable = asResponse(await s.send(request(`${target.origin}/busy`)));
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers["retry-after"]).toBe("30");
    expect(unavailable.headers["x-multi"]).toBe("a, b");
    expect(unavailable.body.toString()).toBe("down for maintenance");
  });

  it("does not follow a 301: the redirect is the response", async () => {
    const target = await server((req, res) => {
      res.writeHead(301, { location: "/elsewhere" });
      res.end(req.url === "/elsewhere" ? "followed" : "moved");
    });
    const result = asResponse(await sender().send(request(`${target.origin}/old`)));
    expect(result.status).toBe(301);
    expect(result.headers.location).toBe("/elsewhere");
    expect(result.body.toString()).toBe("moved");
    expect(target.requests.map((r) => r.path)).toEqual(["/old"]);
  });

  it("lets the request override the user agent", async () => {
    const target = await server((_req, res) => res.end());
    const s = sender({ userAgent: "Custom/2" });
    await s.send(request(target.origin));
    await s.send(request(target.origin, { headers: { "User-Agent": "Mine/3" } }));
    expect(target.requests.map((r) => r.headers["user-agent"])).toEqual(["Custom/2", "Mine/3"]);
  });

  it("delivers to an IPv6 loopback literal when ::1 is allow-listed", async () => {
    const target = await server((_req, res) => res.end("v6"), "::1");
    const result = asResponse(await sender().send(request(`${target.origin}/`)));
    expect(result.body.toString()).toBe("v6");
  });

  it("reuses pooled keep-alive connections for sequential sends", async () => {
    const target = await server((_req, res) => res.end("ok"));
    const s = sender();
    for (let i = 0; i < 10; i++) asResponse(await s.send(request(target.origin)));
    expect(target.requests).toHaveLength(10);
    // undici marks a client free asynchronously, so a back-to-back send may open a second socket.
    expect(target.connections()).toBeLessThanOrEqual(2);
  });

  it("caps connections per origin", async () => {
    const target = await server((_req, res) => setTimeout(() => res.end("ok"), 20));
    const s = sender({ maxConnectionsPerOrigin: 1 });
    const results = await Promise.all([1, 2, 3].map(() => s.send(request(target.origin))));
    expect(results.map((r) => asResponse(r).status)).toEqual([200, 200, 200]);
    expect(target.connections()).toBe(1);
  });
});

describe("response body cap", () => {
  it("keeps a body of exactly the cap whole", async () => {
    const target = await server((_req, res) => res.end(Buffer.alloc(100, 1)));
    const result = asResponse(await sender({ maxResponseBytes: 100 }).send(request(target.origin)));
    expect(result.body.length).toBe(100);
    expect(result.bodyTruncated).toBe(false);
  });

  it("truncates one byte over the cap", async () => {
    const target = await server((_req, res) => res.end(Buffer.alloc(101, 1)));
    const result = asResponse(await sender({ maxResponseBytes: 100 }).send(request(target.origin)));
    expect(result.body).toEqual(Buffer.alloc(100, 1));
    expect(result.bodyTruncated).toBe(true);
  });

  it("stops downloading a huge streamed response and closes the connection", async () => {
    const chunk = Buffer.alloc(64 * 1024, "x");
    const totalChunks = 16 * 1024; // 1 GiB if it were all read
    let written = 0;
    let resolveClosed: (bytes: number) => void = () => {};
    const serverSawClose = new Promise<number>((resolve) => {
      resolveClosed = resolve;
    });
    const target = await server((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.on("close", () => resolveClosed(written));
      const pump = () => {
        while (written < totalChunks * chunk.length && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        res.end();
      };
      pump();
    });
    const result = asResponse(await sender().send(request(target.origin)));
    expect(result.status).toBe(200);
    expect(result.body.length).toBe(65_536);
    expect(result.body.every((b) => b === "x".charCodeAt(0))).toBe(true);
    expect(result.bodyTruncated).toBe(true);

    const bytesWritten = await serverSawClose;
    // Only what fitted in socket buffers before the client hung up, not the gigabyte.
    expect(bytesWritten).toBeLessThan(64 * 1024 * 1024);
  });
});
