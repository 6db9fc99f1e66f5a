import { createHash } from "node:crypto";
import { type SourceVerification, signSourceRequest } from "@kapsel/webhook-signatures";
import fc from "fast-check";

/** An endpoint the fuzzer aims at, and whether ingest may accept events for it. */
export interface FuzzTarget {
  id: string;
  /** Active or paused (paused endpoints still accept). */
  accepts: boolean;
  source: SourceVerification;
}

type PathChoice =
  | { kind: "target"; index: number; variant: "plain" | "slash" | "query" | "encoded" | "extra" | "upper" }
  | { kind: "raw"; value: string };
type BodyChoice = { kind: "json"; n: number } | { kind: "bytes"; bytes: number[] } | { kind: "size"; delta: number };
type Framing = "content-length" | "chunked" | "cl-short" | "cl-long" | "cl-and-te" | "no-length" | "cl-invalid";
type Signature = "valid" | "wrong-body" | "garbage" | "missing" | "stale";
type KeyChoice = { kind: "none" } | { kind: "pool"; n: number } | { kind: "raw"; value: string };

/** One generated request, as plain data (printed when it breaks a rule). */
export interface FuzzCase {
  method: string;
  path: PathChoice;
  body: BodyChoice;
  framing: Framing;
  contentType: string | null;
  contentEncoding: string | null;
  signature: Signature;
  /** Scheme delivery id (webhook-id, X-GitHub-Delivery) from a small pool: deduplicates too. */
  deliveryN: number;
  key: KeyChoice;
  extraHeaders: [string, string][];
  hugeHeaderBytes: number;
}

const PRINTABLE_KEY = /^[\x20-\x7e]{1,255}$/;

export function fuzzCaseArbitrary(targetCount: number): fc.Arbitrary<FuzzCase> {
  const path: fc.Arbitrary<PathChoice> = fc.oneof(
    {
      weight: 8,
      arbitrary: fc.record({
        kind: fc.constant("target" as const),
        index: fc.nat(targetCount - 1),
        variant: fc.constantFrom("plain", "plain", "plain", "slash", "query", "encoded", "extra", "upper"),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("raw" as const),
        value: fc.oneof(
          fc.constantFrom(
            "/ingest/",
            "/ingest",
            "/",
            "/health?x=1",
            "/ready/",
            "/metrics/../ingest",
            "/ingest/%ZZ",
            "/ingest/%00",
            "/ingest/ep_../../etc/passwd",
            "/ingest/ep_01J0000000000000000000000",
            "*",
            "//ingest//",
          ),
          fc.stringMatching(/^[a-z0-9]{1,40}$/).map((s) => `/ingest/ep_${s}`),
          fc.integer({ min: 300, max: 12_000 }).map((n) => `/ingest/${"a".repeat(n)}`),
          fc.webPath(),
          fc.string({ unit: "grapheme", maxLength: 30 }).map((s) => `/ingest/${s}`),
        ),
      }),
    },
  );
  const body: fc.Arbitrary<BodyChoice> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constant("json" as const), n: fc.nat() }) },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant("bytes" as const), bytes: fc.array(fc.nat(255), { maxLength: 2048 }) }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant("size" as const),
        delta: fc.constantFrom(-1_000, -1, 0, 1, 2, 1_000, 65_536),
      }),
    },
  );
  const key: fc.Arbitrary<KeyChoice> = fc.oneof(
    { weight: 5, arbitrary: fc.constant({ kind: "none" as const }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("pool" as const), n: fc.nat(15) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("raw" as const),
        value: fc.oneof(
          fc.constantFrom("", " ", "a".repeat(255), "a".repeat(256), "ключ", "tab\tkey", "del\x7f", "  padded  "),
          fc.string({ maxLength: 300 }).filter((s) => !/[\r\n]/.test(s)),
          fc.string({ unit: "binary", maxLength: 40 }).filter((s) => !/[\r\n]/.test(s)),
        ),
      }),
    },
  );
  const headerName = fc.oneof(
    fc.constantFrom("x-github-delivery", "webhook-id", "webhook-timestamp", "webhook-signature", "x-hub-signature-256"),
    fc.stringMatching(/^x-f-[a-z0-9-]{1,20}$/),
  );
  const headerValue = fc.oneof(
    { weight: 6, arbitrary: fc.string({ maxLength: 200 }).filter((s) => !/[\r\n]/.test(s)) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 50 }).filter((s) => !/[\r\n]/.test(s)) },
    { weight: 1, arbitrary: fc.constantFrom("v1,AAAA", "sha256=zz", "t=1,v1=00", "\u0000", "a\nb") },
  );
  return fc.record({
    method: fc.oneof(
      { weight: 17, arbitrary: fc.constant("POST") },
      { weight: 3, arbitrary: fc.constantFrom("GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "FOO", "post") },
    ),
    path,
    body,
    framing: fc.oneof(
      { weight: 16, arbitrary: fc.constant("content-length" as const) },
      {
        weight: 4,
        arbitrary: fc.constantFrom("chunked", "cl-short", "cl-long", "cl-and-te", "no-length", "cl-invalid"),
      },
    ),
    contentType: fc.option(
      fc.oneof(
        fc.constantFrom(
          "application/json",
          "text/plain",
          "multipart/form-data; boundary=",
          "application/json; charset=utf-16",
        ),
        fc.string({ maxLength: 60 }).filter((s) => !/[\r\n]/.test(s)),
      ),
    ),
    contentEncoding: fc.option(fc.constantFrom("gzip", "br", "deflate", "identity", "x-garbage")),
    signature: fc.constantFrom("valid", "valid", "valid", "wrong-body", "garbage", "missing", "stale"),
    deliveryN: fc.nat(15),
    key,
    extraHeaders: fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 }),
    hugeHeaderBytes: fc.oneof(
      { weight: 19, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.constantFrom(4_000, 20_000, 70_000) },
    ),
  });
}

/** The request's bytes, and what the server may legitimately do with it. */
export interface BuiltRequest {
  bytes: Buffer;
  halfClose: boolean;
  head: boolean;
  /** Endpoint the request names, when it names one of the targets. */
  target: FuzzTarget | null;
  /** Whether a 2xx is a legitimate answer (a 2xx for anything else breaks a rule). */
  mayAccept: boolean;
  /** Idempotency key the server must use, when the case pins one down unambiguously. */
  expectedKey: string | null;
  /** SHA-256 (hex) of the body the server receives, for checking the stored payload. */
  receivedSha256: string;
}

export function buildRequest(c: FuzzCase, targets: FuzzTarget[], maxBodyBytes: number, nowMs: number): BuiltRequest {
  const target = c.path.kind === "target" ? targets[c.path.index]! : null;
  const body = bodyBytes(c.body, maxBodyBytes);
  const headers: [string, string][] = [
    ["host", "127.0.0.1"],
    ["connection", "close"],
  ];
  if (c.contentType !== null) headers.push(["content-type", c.contentType]);
  if (c.contentEncoding !== null) headers.push(["content-encoding", c.contentEncoding]);

  let signedOk = target?.source.scheme === "none";
  let deliveryKey: string | null = null;
  if (target && target.source.scheme !== "none" && c.signature !== "missing") {
    const deliveryId = `dlv-${c.deliveryN}`;
    const signWith = c.signature === "wrong-body" ? Buffer.concat([body, Buffer.from("x")]) : body;
    const at = c.signature === "stale" ? nowMs - 3_600_000 : nowMs;
    const signed = signSourceRequest(target.source, signWith, at, deliveryId);
    for (const [name, value] of Object.entries(signed)) {
      headers.push([name, c.signature === "garbage" && !/id|delivery/.test(name) ? "garbage==" : value]);
    }
    const timestamped = target.source.scheme === "standard-webhooks" || target.source.scheme === "stripe";
    signedOk = c.signature === "valid" || (c.signature === "stale" && !timestamped);
    if (signedOk && target.source.scheme !== "stripe") deliveryKey = deliveryId;
  }
  // Scheme headers the fuzzer adds on top would change what is verified: only on unsigned targets.
  const extra =
    target?.source.scheme === "none" ? c.extraHeaders : c.extraHeaders.filter(([n]) => n.startsWith("x-f-"));
  headers.push(...extra);

  let explicitKey: string | null = null;
  let keyValid = true;
  if (c.key.kind === "pool") explicitKey = `dup-${c.key.n}`;
  if (c.key.kind === "raw") explicitKey = c.key.value;
  if (explicitKey !== null) {
    headers.push(["x-idempotency-key", explicitKey]);
    // The server sees the header as Node parses it: bytes as latin1, surrounding whitespace trimmed.
    const seen = Buffer.from(explicitKey, "utf8").toString("latin1").trim();
    keyValid = PRINTABLE_KEY.test(seen);
  }
  if (c.hugeHeaderBytes > 0) headers.push(["x-f-huge", "h".repeat(c.hugeHeaderBytes)]);

  let payload = body;
  let halfClose = false;
  let framed = true;
  switch (c.framing) {
    case "content-length":
      headers.push(["content-length", String(body.length)]);
      break;
    case "chunked":
      headers.push(["transfer-encoding", "chunked"]);
      payload = chunked(body);
      break;
    case "cl-short": {
      const declared = Math.floor(body.length / 2);
      headers.push(["content-length", String(declared)]);
      break;
    }
    case "cl-long":
      headers.push(["content-length", String(body.length + 10)]);
      halfClose = true;
      framed = false;
      break;
    case "cl-and-te":
      headers.push(["content-length", String(body.length)], ["transfer-encoding", "chunked"]);
      payload = chunked(body);
      framed = false;
      break;
    case "no-length":
      framed = body.length === 0;
      break;
    case "cl-invalid":
      headers.push(["content-length", `${body.length}abc`]);
      framed = false;
      break;
  }
  const received = c.framing === "cl-short" ? body.subarray(0, Math.floor(body.length / 2)) : body;
  const pathText = pathOf(c.path, targets);
  const head = Buffer.from(
    `${c.method} ${pathText} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}`).join("\r\n")}\r\n\r\n`,
    "utf8",
  );
  const plainPath = c.path.kind === "target" && ["plain", "slash", "query", "encoded"].includes(c.path.variant);
  const mayAccept =
    c.method === "POST" &&
    plainPath &&
    target?.accepts === true &&
    signedOk &&
    keyValid &&
    framed &&
    received.length <= maxBodyBytes &&
    c.hugeHeaderBytes <= 4_000 &&
    !extra.some(([, v]) => /[\0\n]/.test(v));
  return {
    bytes: Buffer.concat([head, payload]),
    halfClose,
    head: c.method === "HEAD",
    target,
    mayAccept,
    // A delivery id the signature covers (Standard Webhooks' webhook-id) wins over X-Idempotency-Key.
    expectedKey:
      (target?.source.scheme === "standard-webhooks" ? deliveryKey : null) ??
      (c.key.kind === "pool" ? explicitKey : c.key.kind === "none" ? deliveryKey : null),
    receivedSha256: createHash("sha256").update(received).digest("hex"),
  };
}

function pathOf(path: PathChoice, targets: FuzzTarget[]): string {
  if (path.kind === "raw") return path.value;
  const id = targets[path.index]!.id;
  switch (path.variant) {
    case "plain":
      return `/ingest/${id}`;
    case "slash":
      return `/ingest/${id}/`;
    case "query":
      return `/ingest/${id}?source=fuzz&x=%ZZ`;
    case "encoded":
      return `/ingest/${[...id].map((ch) => `%${ch.charCodeAt(0).toString(16).padStart(2, "0")}`).join("")}`;
    case "extra":
      return `/ingest/${id}/extra`;
    case "upper":
      return `/INGEST/${id}`;
  }
}

function bodyBytes(body: BodyChoice, maxBodyBytes: number): Buffer {
  switch (body.kind) {
    case "json":
      return Buffer.from(JSON.stringify({ type: "fuzz", n: body.n }));
    case "bytes":
      return Buffer.from(body.bytes);
    case "size":
      return Buffer.alloc(Math.max(0, maxBodyBytes + body.delta), 0x61);
  }
}

function chunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < body.length; i += 4096) {
    const chunk = body.subarray(i, i + 4096);
    parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from("0\r\n\r\n"));
  return Buffer.concat(parts);
}
