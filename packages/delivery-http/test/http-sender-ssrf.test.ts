import type { Socket } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createGuardedConnector } from "../src/guarded-connector.ts";
import {
  createGuardedLookup,
  createHttpSender,
  createSsrfPolicy,
  DEFAULT_SSRF_POLICY,
  type HttpSender,
  type HttpSenderOptions,
  type ResolvedAddress,
  type SendResult,
  type SsrfPolicy,
  systemResolveHost,
} from "../src/index.ts";
import {
  type ConnectionAttempts,
  isLoopback,
  type LocalServer,
  recordConnectionAttempts,
  startHttpServer,
} from "./local-servers.ts";

function policy(...allow: string[]): SsrfPolicy {
  const created = createSsrfPolicy(allow);
  if (!created.ok) throw new Error(`invalid test policy: ${JSON.stringify(created.invalid)}`);
  return created.policy;
}

const v4 = (address: string): ResolvedAddress => ({ address, family: 4 });

let attempts: ConnectionAttempts;
let target: LocalServer;
const senders: HttpSender[] = [];

function sender(options: Partial<HttpSenderOptions> = {}): HttpSender {
  const created = createHttpSender({ policy: DEFAULT_SSRF_POLICY, ...options });
  senders.push(created);
  return created;
}

function send(s: HttpSender, url: string): Promise<SendResult> {
  return s.send({ url, headers: {}, body: Buffer.from("{}"), connectTimeoutMs: 500, responseTimeoutMs: 1_000 });
}

function expectBlocked(result: SendResult): void {
  expect(result.kind).toBe("error");
  if (result.kind === "error") expect(result.errorClass, result.message).toBe("ssrf_blocked");
}

beforeAll(async () => {
  attempts = recordConnectionAttempts();
  target = await startHttpServer((_req, res) => res.end("reached"));
});
afterEach(async () => {
  await Promise.all(senders.splice(0).map((s) => s.close()));
  expect(attempts.addresses.filter((a) => !isLoopback(a))).toEqual([]);
  attempts.addresses.splice(0);
});
afterAll(async () => {
  attempts.stop();
  await target.close();
});

describe("default policy refuses internal destinations before connecting", () => {
  const port = () => target.port;
  it.each([
    ["IPv4 loopback", () => `http://127.0.0.1:${port()}/`],
    ["another 127/8 address", () => `http://127.1.2.3:${port()}/`],
    ["0.0.0.0 (reaches local services on Linux)", () => `http://0.0.0.0:${port()}/`],
    ["IPv6 loopback", () => `http://[::1]:${port()}/`],
    ["IPv4-mapped loopback", () => `http://[::ffff:127.0.0.1]:${port()}/`],
    ["IPv4-mapped loopback, hex", () => `http://[::ffff:7f00:1]:${port()}/`],
    ["NAT64 loopback", () => `http://[64:ff9b::7f00:1]:${port()}/`],
    ["decimal loopback", () => `http://2130706433:${port()}/`],
    ["localhost", () => `http://localhost:${port()}/`],
    ["a .localhost name", () => `http://api.localhost:${port()}/`],
    ["private 10/8", () => "http://10.0.0.1/"],
    ["private 192.168/16", () => "http://192.168.1.1:8080/"],
    ["cloud metadata", () => "http://169.254.169.254/latest/meta-data/"],
    ["AWS IPv6 metadata", () => "http://[fd00:ec2::254]/"],
    ["Alibaba metadata", () => "http://100.100.100.200/"],
    ["GCP metadata name", () => "http://metadata.google.internal/computeMetadata/v1/"],
    ["unique local IPv6", () => "http://[fd12:3456::1]/"],
  ])("%s", async (_label, url) => {
    const before = target.connections();
    expectBlocked(await send(sender(), url()));
    expect(attempts.addresses).toEqual([]);
    expect(target.connections()).toBe(before);
  });
});

// Resolvers here answer with loopback addresses only, and the policy allows just 127.0.0.1, so
// even a broken guard could not send traffic off this machine.
describe("names are checked against the address actually connected to", () => {
  it("refuses a name that resolves to loopback, without dialling it", async () => {
    const resolved: string[] = [];
    const s = sender({
      resolveHost: async (host) => {
        resolved.push(host);
        return [v4("127.0.0.1")];
      },
    });
    const before = target.connections();
    const result = await send(s, `http://rebound.example:${target.port}/`);
    expectBlocked(result);
    if (result.kind === "error") expect(result.message).toContain('"rebound.example" resolves to 127.0.0.1');
    expect(resolved).toEqual(["rebound.example"]);
    expect(attempts.addresses).toEqual([]);
    expect(target.connections()).toBe(before);
  });

  it("dials only the allowed addresses among those a name resolves to", async () => {
    const s = sender({ policy: policy("127.0.0.1/32"), resolveHost: async () => [v4("127.0.0.2"), v4("127.0.0.1")] });
    const result = await send(s, `http://mixed.example:${target.port}/`);
    expect(result.kind).toBe("response");
    expect(attempts.addresses.length).toBeGreaterThan(0);
    expect(attempts.addresses.every((a) => a === "127.0.0.1")).toBe(true);
  });

  it("checks every new connection, so a name rebinding to an internal address is refused", async () => {
    const answers = [[v4("127.0.0.1")], [v4("127.0.0.2")]];
    const closing = await startHttpServer((_req, res) => res.writeHead(200, { connection: "close" }).end("once"));
    try {
      const s = sender({ policy: policy("127.0.0.1/32"), resolveHost: async () => answers.shift() ?? [] });
      expect((await send(s, `http://flip.example:${closing.port}/`)).kind).toBe("response");
      expectBlocked(await send(s, `http://flip.example:${closing.port}/`));
      expect(closing.connections()).toBe(1);
      expect(attempts.addresses.every((a) => a === "127.0.0.1")).toBe(true);
    } finally {
      await closing.close();
    }
  });

  it("trusts an allow-listed hostname wherever it resolves", async () => {
    const s = sender({ policy: policy("receiver.test"), resolveHost: async () => [v4("127.0.0.1")] });
    const result = await send(s, `http://receiver.test:${target.port}/`);
    expect(result.kind).toBe("response");
    if (result.kind === "response") expect(result.body.toString()).toBe("reached");
  });

  it("delivers to localhost through the system resolver once 127.0.0.0/8 is allowed", async () => {
    const result = await send(sender({ policy: policy("127.0.0.0/8") }), `http://localhost:${target.port}/`);
    expect(result.kind).toBe("response");
  });
});

describe("createGuardedLookup", () => {
  const lookup = (p: SsrfPolicy, host: string) =>
    new Promise<{ error: NodeJS.ErrnoException | null; addresses: unknown }>((resolve) =>
      createGuardedLookup(p, 80)(host, { all: true }, (error, addresses) => resolve({ error, addresses })),
    );

  it("fails 'localhost' with a recognisable SSRF error under the default policy", async () => {
    const { error } = await lookup(DEFAULT_SSRF_POLICY, "localhost");
    expect(error?.code).toBe("ERR_KAPSEL_SSRF_BLOCKED");
    expect(error?.message).toContain("loopback");
  });

  it("returns only allowed loopback addresses when loopback is allowed", async () => {
    const { error, addresses } = await lookup(policy("127.0.0.0/8"), "localhost");
    expect(error).toBeNull();
    expect(addresses).toContainEqual({ address: "127.0.0.1", family: 4 });
    expect((addresses as ResolvedAddress[]).every((a) => a.address.startsWith("127."))).toBe(true);
  });

  it("fails with the first refused address when every address is internal", async () => {
    const guarded = createGuardedLookup(policy("127.0.0.0/8"), 80, async () => [v4("10.0.0.7"), v4("169.254.169.254")]);
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      guarded("internal-only.example", { all: true }, (e) => resolve(e)),
    );
    expect(error?.code).toBe("ERR_KAPSEL_SSRF_BLOCKED");
    expect(error?.message).toBe(
      'refused to connect: "internal-only.example" resolves to 10.0.0.7, which is a private network address',
    );
  });

  it("filters by the requested address family and reports a name without addresses as not found", async () => {
    const guarded = createGuardedLookup(policy("::1/128"), 80, async () => [v4("127.0.0.1")]);
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      guarded("v4-only.example", { all: true, family: 6 }, (e) => resolve(e)),
    );
    expect(error?.code).toBe("ENOTFOUND");
  });

  it("passes resolver failures through, including synchronous throws", async () => {
    const guarded = createGuardedLookup(DEFAULT_SSRF_POLICY, 80, () => {
      throw Object.assign(new Error("boom"), { code: "EAI_FAIL" });
    });
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      guarded("x.example", { all: true }, (e) => resolve(e)),
    );
    expect(error?.code).toBe("EAI_FAIL");
  });

  it("answers in the single-address form when `all` is not requested", async () => {
    const result = await new Promise<unknown[]>((resolve) =>
      createGuardedLookup(policy("127.0.0.0/8"), 80, async () => [v4("10.0.0.1"), v4("127.0.0.2")])(
        "two.example",
        { family: 4 },
        (...args) => resolve(args),
      ),
    );
    expect(result).toEqual([null, "127.0.0.2", 4]);
  });
});

describe("createGuardedConnector", () => {
  // send() already refuses blocked literals while validating the URL; the connector refuses
  // them again where the socket would be opened, in case anything dispatches around send().
  it("refuses a blocked literal IP without opening a socket", async () => {
    const connect = createGuardedConnector(DEFAULT_SSRF_POLICY, systemResolveHost, 500);
    const before = target.connections();
    const error = await new Promise<Error | null>((resolve) =>
      connect({ hostname: "127.0.0.1", protocol: "http:", port: String(target.port) }, (e, socket) => {
        socket?.destroy();
        resolve(e);
      }),
    );
    expect((error as NodeJS.ErrnoException | null)?.code).toBe("ERR_KAPSEL_SSRF_BLOCKED");
    expect(attempts.addresses).toEqual([]);
    expect(target.connections()).toBe(before);
  });

  it("connects to an allowed literal IP", async () => {
    const allowed = policy("127.0.0.1/32");
    const connect = createGuardedConnector(allowed, systemResolveHost, 500);
    const socket = await new Promise<Socket | null>((resolve) =>
      connect({ hostname: "127.0.0.1", protocol: "http:", port: String(target.port) }, (_e, s) => resolve(s)),
    );
    expect(socket?.remoteAddress).toBe("127.0.0.1");
    socket?.destroy();
  });
});

// An entry with a port (`127.0.0.1:4100`, the demo receiver's) must not open the address's other
// ports: the database, the metrics listener and the API listen on the same loopback address.
describe("allow-list entries with a port, against real local servers", () => {
  let other: LocalServer;
  beforeAll(async () => {
    other = await startHttpServer((_req, res) => res.end("must not be reached"));
  });
  afterAll(async () => {
    await other.close();
  });

  it("delivers to the allow-listed port and refuses another port of the same address", async () => {
    const s = sender({ policy: policy(`127.0.0.1:${target.port}`) });
    const reached = await send(s, `http://127.0.0.1:${target.port}/`);
    expect(reached.kind).toBe("response");
    if (reached.kind === "response") expect(reached.body.toString()).toBe("reached");
    expectBlocked(await send(s, `http://127.0.0.1:${other.port}/`));
    expect(other.connections()).toBe(0);
  });

  it("judges a name's addresses for the port being connected to", async () => {
    // The URL check cannot see where a name points: the connect-time lookup must know the port.
    const s = sender({ policy: policy(`127.0.0.1:${target.port}`), resolveHost: async () => [v4("127.0.0.1")] });
    expect((await send(s, `http://loop.example:${target.port}/`)).kind).toBe("response");
    const refused = await send(s, `http://loop.example:${other.port}/`);
    expectBlocked(refused);
    if (refused.kind === "error") expect(refused.message).toContain('"loop.example" resolves to 127.0.0.1');
    expect(other.connections()).toBe(0);
  });

  it("trusts an allow-listed hostname with a port on that port only", async () => {
    const s = sender({ policy: policy(`receiver.test:${target.port}`), resolveHost: async () => [v4("127.0.0.1")] });
    expect((await send(s, `http://receiver.test:${target.port}/`)).kind).toBe("response");
    expectBlocked(await send(s, `http://receiver.test:${other.port}/`));
    expect(other.connections()).toBe(0);
  });

  it("makes the connector refuse a literal address on another port, or on the scheme's default port", async () => {
    const allowed = policy(`127.0.0.1:${target.port}`);
    const connect = createGuardedConnector(allowed, systemResolveHost, 500);
    const attempt = (port: string, protocol = "http:") =>
      new Promise<{ error: NodeJS.ErrnoException | null; socket: Socket | null }>((resolve) =>
        connect({ hostname: "127.0.0.1", protocol, port }, (error, socket) =>
          resolve({ error: error as NodeJS.ErrnoException | null, socket: socket as Socket | null }),
        ),
      );
    const ok = await attempt(String(target.port));
    expect(ok.socket?.remotePort).toBe(target.port);
    ok.socket?.destroy();
    expect((await attempt(String(other.port))).error?.code).toBe("ERR_KAPSEL_SSRF_BLOCKED");
    // undici passes "" when the URL names no port: that is 80 (http) or 443 (https), not "any".
    expect((await attempt("")).error?.code).toBe("ERR_KAPSEL_SSRF_BLOCKED");
    expect((await attempt("", "https:")).error?.code).toBe("ERR_KAPSEL_SSRF_BLOCKED");
    expect(other.connections()).toBe(0);
    expect(attempts.addresses.every((a) => a === "127.0.0.1")).toBe(true);
  });

  it("lets the connector dial a literal address on the default port when that port is listed", async () => {
    const connect = createGuardedConnector(policy("127.0.0.1:80"), systemResolveHost, 500);
    const result = await new Promise<{ error: NodeJS.ErrnoException | null; socket: Socket | null }>((resolve) =>
      connect({ hostname: "127.0.0.1", protocol: "http:", port: "" }, (error, socket) =>
        resolve({ error: error as NodeJS.ErrnoException | null, socket: socket as Socket | null }),
      ),
    );
    result.socket?.destroy();
    // Nothing need listen on port 80 here: what matters is that the guard let the attempt through.
    expect(result.error?.code).not.toBe("ERR_KAPSEL_SSRF_BLOCKED");
    expect(attempts.addresses).toEqual(["127.0.0.1"]);
  });
});
