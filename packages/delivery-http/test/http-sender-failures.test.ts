import type { DeliveryErrorClass } from "@kapsel/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createHttpSender,
  createSsrfPolicy,
  DEFAULT_SSRF_POLICY,
  type HttpSender,
  type HttpSenderOptions,
  type SendRequest,
  type SendResult,
} from "../src/index.ts";
import {
  type ConnectionAttempts,
  closedPort,
  isLoopback,
  type LocalServer,
  recordConnectionAttempts,
  startHttpServer,
  startSilentTcpServer,
} from "./local-servers.ts";

const loopbackPolicy = (() => {
  const created = createSsrfPolicy(["127.0.0.0/8"]);
  if (!created.ok) throw new Error("test policy must be valid");
  return created.policy;
})();

// Header values carry signatures; no failure message may echo them.
const SECRET = "v1,dG9wLXNlY3JldC1zaWduYXR1cmUtdmFsdWU=";

function request(url: string, overrides: Partial<SendRequest> = {}): SendRequest {
  return {
    url,
    headers: { "webhook-signature": SECRET, authorization: `Bearer ${SECRET}` },
    body: Buffer.from('{"secret-body":"do-not-leak"}'),
    connectTimeoutMs: 1_000,
    responseTimeoutMs: 2_000,
    ...overrides,
  };
}

function expectError(result: SendResult, errorClass: DeliveryErrorClass) {
  if (result.kind !== "error") throw new Error(`expected ${errorClass}, got HTTP ${result.status}`);
  expect(result.errorClass, result.message).toBe(errorClass);
  expect(result.message.length).toBeGreaterThan(0);
  expect(result.message).not.toContain(SECRET);
  expect(result.message).not.toContain("dG9wLXNlY3JldC1zaWduYXR1cmUtdmFsdWU");
  expect(result.message).not.toContain("do-not-leak");
  return result;
}

let attempts: ConnectionAttempts;
const senders: HttpSender[] = [];
const servers: LocalServer[] = [];

function sender(options: Partial<HttpSenderOptions> = {}): HttpSender {
  const created = createHttpSender({ policy: loopbackPolicy, ...options });
  senders.push(created);
  return created;
}

async function track(started: Promise<LocalServer>): Promise<LocalServer> {
  const s = await started;
  servers.push(s);
  return s;
}

beforeAll(() => {
  attempts = recordConnectionAttempts();
});
afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.close()));
  await Promise.all(servers.splice(0).map((s) => s.close()));
  expect(attempts.addresses.filter((a) => !isLoopback(a))).toEqual([]);
  attempts.addresses.splice(0);
});
afterAll(() => attempts.stop());

describe("connection failures", () => {
  it("classifies a closed port as connect_refused", async () => {
    const port = await closedPort();
    expectError(await sender().send(request(`http://127.0.0.1:${port}/`)), "connect_refused");
  });

  it("times out a connect whose TLS handshake never completes", async () => {
    const silent = await track(startSilentTcpServer());
    const result = expectError(
      await sender().send(request(`https://127.0.0.1:${silent.port}/`, { connectTimeoutMs: 100 })),
      "timeout",
    );
    expect(result.durationMs).toBeGreaterThanOrEqual(90);
    // Our timer fired, not undici's own (~1 s granularity): the message is ours. No upper bound on
    // the duration: timings are for benchmarks, and a busy machine would fail it.
    expect(result.message).toContain("connect timeout after 100 ms");
    expect(silent.connections()).toBe(1);
  });

  it("counts name resolution towards the connect timeout", async () => {
    const hanging = sender({ resolveHost: () => new Promise(() => {}) });
    const result = expectError(
      await hanging.send(request("http://slow-dns.example:8080/", { connectTimeoutMs: 80 })),
      "timeout",
    );
    expect(result.durationMs).toBeGreaterThanOrEqual(70);
    expect(result.message).toContain("connect timeout after 80 ms");
  });

  it("classifies a name that does not exist as dns", async () => {
    // An injected resolver answers NXDOMAIN: tests send no query to the machine's nameserver.
    const nxdomain = sender({
      resolveHost: async () => {
        throw Object.assign(new Error("getaddrinfo ENOTFOUND kapsel-no-such-host.invalid"), { code: "ENOTFOUND" });
      },
    });
    expectError(await nxdomain.send(request("http://kapsel-no-such-host.invalid/hook")), "dns");
  });

  it("classifies a temporary resolver failure as dns", async () => {
    const failing = sender({
      resolveHost: async () => {
        throw Object.assign(new Error("getaddrinfo EAI_AGAIN flaky.example"), { code: "EAI_AGAIN" });
      },
    });
    expectError(await failing.send(request("http://flaky.example/")), "dns");
  });

  it("classifies a TLS handshake against a plain HTTP server as tls", async () => {
    const plain = await track(startHttpServer((_req, res) => res.end("not tls")));
    const result = expectError(await sender().send(request(`https://127.0.0.1:${plain.port}/`)), "tls");
    expect(result.message).toContain("SSL");
  });
});

describe("response failures", () => {
  it("times out when no response headers arrive", async () => {
    const target = await track(startHttpServer(() => {}));
    const result = expectError(await sender().send(request(target.origin, { responseTimeoutMs: 150 })), "timeout");
    expect(result.durationMs).toBeGreaterThanOrEqual(140);
  });

  it("times out when the body stalls after the headers", async () => {
    const target = await track(
      startHttpServer((_req, res) => {
        res.writeHead(200, { "content-length": "100" });
        res.write("partial");
      }),
    );
    const result = expectError(await sender().send(request(target.origin, { responseTimeoutMs: 150 })), "timeout");
    expect(result.durationMs).toBeGreaterThanOrEqual(140);
  });

  it("applies the response timeout to the whole body, not just to gaps between chunks", async () => {
    const target = await track(
      startHttpServer((_req, res) => {
        res.writeHead(200);
        const drip = setInterval(() => res.write("."), 20);
        res.on("close", () => clearInterval(drip));
      }),
    );
    const result = expectError(await sender().send(request(target.origin, { responseTimeoutMs: 200 })), "timeout");
    expect(result.durationMs).toBeGreaterThanOrEqual(190);
    // undici's body timeout restarts with every chunk, so only our deadline can end this drip.
    expect(result.message).toContain("no complete response within 200 ms");
  });

  it("classifies a connection destroyed before any response as reset", async () => {
    const target = await track(startHttpServer((req) => req.socket.destroy()));
    expectError(await sender().send(request(target.origin)), "reset");
  });

  it("classifies a connection destroyed mid-body as reset", async () => {
    const target = await track(
      startHttpServer((req, res) => {
        res.writeHead(200, { "content-length": "1000" });
        res.write("some of it", () => req.socket.destroy());
      }),
    );
    expectError(await sender().send(request(target.origin)), "reset");
  });
});

describe("refusals without a connection", () => {
  it.each([
    ["malformed", "not a url", "invalid_url"],
    ["ftp", "ftp://files.example.com/hook", "invalid_url"],
    ["credentials", "https://user:pass@hooks.example.com/", "invalid_url"],
    ["over 2048 chars", `https://hooks.example.com/${"a".repeat(2100)}`, "invalid_url"],
    ["private literal", "http://10.1.2.3/", "ssrf_blocked"],
  ] as const)("refuses a %s URL", async (_label, url, errorClass) => {
    const result = expectError(await sender({ policy: DEFAULT_SSRF_POLICY }).send(request(url)), errorClass);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(attempts.addresses).toEqual([]);
  });

  it("reports invalid timeouts and a closed sender as errors rather than throwing", async () => {
    const target = await track(startHttpServer((_req, res) => res.end()));
    const s = sender();
    expectError(await s.send(request(target.origin, { connectTimeoutMs: 0 })), "other");
    expectError(await s.send(request(target.origin, { responseTimeoutMs: Number.NaN })), "other");
    await s.close();
    expectError(await s.send(request(target.origin)), "other");
    expect(target.connections()).toBe(0);
  });

  it("reports a header value undici refuses (CR/LF injection) as an error", async () => {
    const target = await track(startHttpServer((_req, res) => res.end()));
    const result = expectError(
      await sender().send(request(target.origin, { headers: { "x-injected": `${SECRET}\r\nx-evil: 1` } })),
      "other",
    );
    expect(result.message).not.toContain("x-evil");
    expect(target.requests).toHaveLength(0);
  });

  it("rejects a negative body cap at construction", () => {
    expect(() => createHttpSender({ policy: loopbackPolicy, maxResponseBytes: -1 })).toThrow(RangeError);
  });
});
