import { SOURCE_SCHEMES } from "@kapsel/webhook-signatures";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type DeriveEventTypeInput,
  deriveEventType,
  type LazyPayload,
  lazyJsonPayload,
  validateTypeHeader,
  validateTypePointer,
} from "../src/index.ts";

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

function derive(input: Partial<DeriveEventTypeInput> & Pick<DeriveEventTypeInput, "scheme">) {
  return deriveEventType({ headers: {}, body: Buffer.alloc(0), ...input });
}

/** Counts parses, to check that a rule parses the body only when it needs it. */
function countingPayload(body: Uint8Array): LazyPayload & { calls: number } {
  const inner = lazyJsonPayload(body);
  const counter = {
    calls: 0,
    value() {
      counter.calls++;
      return inner.value();
    },
  };
  return counter;
}

describe("deriveEventType: GitHub", () => {
  it("push has no action: the header alone", () => {
    const body = json({ ref: "refs/heads/main", before: "0".repeat(40), after: "1".repeat(40), commits: [] });
    expect(derive({ scheme: "github", headers: { "x-github-event": "push" }, body })).toEqual({
      outcome: "derived",
      type: "push",
      from: "header",
    });
  });

  it("issues with an action: header.action", () => {
    const body = json({ action: "opened", issue: { number: 1347, title: "Found a bug" }, repository: { id: 1 } });
    expect(derive({ scheme: "github", headers: { "x-github-event": "issues" }, body })).toEqual({
      outcome: "derived",
      type: "issues.opened",
      from: "header+payload",
    });
  });

  it("pull_request.synchronize keeps underscores", () => {
    const body = json({ action: "synchronize", number: 2 });
    expect(derive({ scheme: "github", headers: { "x-github-event": "pull_request" }, body }).type).toBe(
      "pull_request.synchronize",
    );
  });

  it("a form-encoded body (not JSON) still gets the header's type", () => {
    const body = Buffer.from(`payload=${encodeURIComponent(JSON.stringify({ action: "opened" }))}`);
    expect(derive({ scheme: "github", headers: { "x-github-event": "issues" }, body }).type).toBe("issues");
  });

  it("a non-string action is ignored; an action that is not a valid segment gives unknown", () => {
    expect(derive({ scheme: "github", headers: { "x-github-event": "issues" }, body: json({ action: 7 }) }).type).toBe(
      "issues",
    );
    expect(
      derive({ scheme: "github", headers: { "x-github-event": "issues" }, body: json({ action: "re opened" }) }),
    ).toMatchObject({
      outcome: "unknown",
      type: "unknown",
    });
  });

  it("no X-GitHub-Event: unknown, without parsing the body", () => {
    const payload = countingPayload(json({ action: "opened" }));
    expect(derive({ scheme: "github", body: payload })).toMatchObject({
      outcome: "unknown",
      reason: expect.stringContaining("X-GitHub-Event"),
    });
    expect(payload.calls).toBe(0);
  });
});

describe("deriveEventType: Stripe and Standard Webhooks", () => {
  it("Stripe: the event's type", () => {
    const body = json({
      id: "evt_1NG8Du2eZvKYlo2CUI79vXWy",
      object: "event",
      api_version: "2022-11-15",
      type: "invoice.payment_failed",
      data: { object: { id: "in_1", object: "invoice", amount_due: 2000 } },
    });
    expect(derive({ scheme: "stripe", body })).toEqual({
      outcome: "derived",
      type: "invoice.payment_failed",
      from: "payload",
    });
  });

  it("Standard Webhooks: the payload's type", () => {
    const body = json({ type: "user.created", timestamp: "2022-11-03T20:26:10.344522Z", data: { id: "1f81eb52" } });
    expect(derive({ scheme: "standard-webhooks", body }).type).toBe("user.created");
  });

  it.each([
    ["not JSON", Buffer.from("type=invoice.paid"), "not JSON"],
    ["empty", Buffer.alloc(0), "not JSON"],
    ["a JSON array", json([{ type: "invoice.paid" }]), 'no top-level "type"'],
    ["a JSON string", json("invoice.paid"), 'no top-level "type"'],
    ["no type", json({ data: {} }), 'no top-level "type"'],
    ["a numeric type", json({ type: 42 }), "not a string"],
    ["an invalid name", json({ type: "invoice paid" }), "not a valid event type name"],
    [
      "invalid UTF-8",
      Buffer.concat([Buffer.from('{"type":"invoice.paid","x":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]),
      "not JSON",
    ],
  ])("Stripe with %s: unknown", (_label, body, reason) => {
    expect(derive({ scheme: "stripe", body })).toEqual({
      outcome: "unknown",
      type: "unknown",
      reason: expect.stringContaining(reason),
    });
  });

  it("an action or pointer target inherited from a polluted prototype is ignored", () => {
    (Object.prototype as Record<string, unknown>).action = "polluted";
    (Object.prototype as Record<string, unknown>).event = "polluted.type";
    try {
      expect(derive({ scheme: "github", headers: { "x-github-event": "push" }, body: json({}) }).type).toBe("push");
      expect(derive({ scheme: "none", typePointer: "/event", body: json({}) }).type).toBe("unknown");
    } finally {
      delete (Object.prototype as Record<string, unknown>).action;
      delete (Object.prototype as Record<string, unknown>).event;
    }
  });

  it("a type inherited from the prototype is not a type", () => {
    expect(derive({ scheme: "stripe", body: Buffer.from('{"__proto__": {"type": "x"}}') }).type).toBe("unknown");
    expect(derive({ scheme: "stripe", body: json({ constructor: "a" }) }).type).toBe("unknown");
  });
});

describe("deriveEventType: Kapsel's reserved namespace", () => {
  it("no sender can give its event an operational event's type, whatever the scheme", () => {
    const reason = "the type is in the namespace reserved for Kapsel's operational events";
    const cases: [DeriveEventTypeInput["scheme"], Partial<DeriveEventTypeInput>][] = [
      ["stripe", { body: json({ type: "kapsel.endpoint.disabled" }) }],
      ["standard-webhooks", { body: json({ type: "Kapsel.delivery.exhausted" }) }],
      ["github", { headers: { "x-github-event": "kapsel" }, body: json({ action: "x" }) }],
      ["shopify", { headers: { "x-shopify-topic": "kapsel/endpoint/breaker_opened" } }],
      ["none", { typeHeader: "x-type", headers: { "x-type": "KAPSEL.endpoint.disabled" } }],
      ["hmac-sha256", { typePointer: "/t", body: json({ t: "kapsel.test" }) }],
    ];
    for (const [scheme, input] of cases) {
      expect(derive({ scheme, ...input }), scheme).toEqual({ outcome: "unknown", type: "unknown", reason });
    }
    // Only the first segment is reserved.
    expect(derive({ scheme: "stripe", body: json({ type: "billing.kapsel.synced" }) })).toMatchObject({
      outcome: "derived",
      type: "billing.kapsel.synced",
    });
  });
});

describe("deriveEventType: Shopify", () => {
  it("maps the topic's slashes to dots", () => {
    const headers = { "x-shopify-topic": "orders/create", "x-shopify-shop-domain": "shop.myshopify.com" };
    expect(derive({ scheme: "shopify", headers, body: json({ id: 820982911946154500 }) })).toEqual({
      outcome: "derived",
      type: "orders.create",
      from: "header",
    });
    expect(derive({ scheme: "shopify", headers: { "x-shopify-topic": "app/uninstalled" } }).type).toBe(
      "app.uninstalled",
    );
  });

  it("missing or invalid topic: unknown, and the body is never parsed", () => {
    const payload = countingPayload(json({ type: "x" }));
    expect(derive({ scheme: "shopify", body: payload }).type).toBe("unknown");
    expect(derive({ scheme: "shopify", headers: { "x-shopify-topic": "orders//create" }, body: payload }).type).toBe(
      "unknown",
    );
    expect(payload.calls).toBe(0);
  });
});

describe("deriveEventType: generic schemes (hmac-sha256, none)", () => {
  it("the configured header (any case in the setting)", () => {
    const result = derive({
      scheme: "hmac-sha256",
      typeHeader: "X-Event-Type",
      headers: { "x-event-type": "build.finished" },
      body: json({ kind: "ignored" }),
    });
    expect(result).toEqual({ outcome: "derived", type: "build.finished", from: "header" });
  });

  it("the configured JSON pointer", () => {
    const body = json({ meta: { "event/type": "deploy.succeeded" } });
    expect(derive({ scheme: "none", typePointer: "/meta/event~1type", body })).toEqual({
      outcome: "derived",
      type: "deploy.succeeded",
      from: "payload",
    });
    expect(
      derive({
        scheme: "none",
        typePointer: "/events/1/name",
        body: json({ events: [{ name: "a" }, { name: "b.c" }] }),
      }).type,
    ).toBe("b.c");
  });

  it("the header wins when both are set and present; the pointer when the header is absent", () => {
    const body = json({ event: "from.pointer" });
    const settings = { scheme: "hmac-sha256" as const, typeHeader: "x-event-type", typePointer: "/event", body };
    expect(derive({ ...settings, headers: { "x-event-type": "from.header" } }).type).toBe("from.header");
    expect(derive({ ...settings, headers: {} }).type).toBe("from.pointer");
  });

  it("the header is used without parsing the body", () => {
    const payload = countingPayload(json({ event: "x" }));
    derive({
      scheme: "hmac-sha256",
      typeHeader: "x-event-type",
      typePointer: "/event",
      headers: { "x-event-type": "a.b" },
      body: payload,
    });
    expect(payload.calls).toBe(0);
  });

  it.each([
    ["no settings", {}, {}, json({ type: "x" })],
    ["header missing, no pointer", { typeHeader: "x-event-type" }, {}, json({})],
    ["pointer finds nothing", { typePointer: "/missing" }, {}, json({ event: "x" })],
    ["pointer finds a number", { typePointer: "/event" }, {}, json({ event: 5 })],
    ["pointer into a non-JSON body", { typePointer: "/event" }, {}, Buffer.from("<xml/>")],
    ["invalid pointer setting", { typePointer: "event" }, {}, json({ event: "x" })],
    ["invalid header value", { typeHeader: "x-event-type" }, { "x-event-type": "not a type" }, json({})],
    ["array index out of range", { typePointer: "/0" }, {}, json([])],
    ["non-canonical array index", { typePointer: "/01" }, {}, json(["a", "b"])],
    ["pointer into the prototype", { typePointer: "/constructor/name" }, {}, json({})],
  ])("%s: unknown", (_label, settings, headers, body) => {
    expect(derive({ scheme: "hmac-sha256", headers, body, ...settings })).toMatchObject({
      outcome: "unknown",
      type: "unknown",
    });
  });

  it("typeHeader and typePointer are ignored by named schemes", () => {
    expect(
      derive({
        scheme: "stripe",
        typeHeader: "x-event-type",
        headers: { "x-event-type": "a.b" },
        body: json({ type: "c.d" }),
      }).type,
    ).toBe("c.d");
  });

  it("uses the first value of a repeated header", () => {
    expect(derive({ scheme: "shopify", headers: { "x-shopify-topic": ["orders/paid", "orders/create"] } }).type).toBe(
      "orders.paid",
    );
  });
});

describe("deriveEventType: hostile input", () => {
  it("deep nesting, huge numbers and non-object JSON never throw", () => {
    const deep = Buffer.from(`${"[".repeat(200_000)}${"]".repeat(200_000)}`);
    const deepObject = Buffer.from(`${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`);
    for (const body of [
      deep,
      deepObject,
      Buffer.from("1e400"),
      Buffer.from('{"type": 1e999999}'),
      Buffer.from("null"),
    ]) {
      for (const scheme of SOURCE_SCHEMES) {
        const result = deriveEventType({ scheme, headers: { "x-github-event": "push" }, body, typePointer: "/a/a/a" });
        expect(["derived", "unknown"]).toContain(result.outcome);
      }
    }
  });

  it("never throws on arbitrary bytes, headers and settings (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SOURCE_SCHEMES),
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.json().map((s) => new TextEncoder().encode(s)),
        ),
        fc.dictionary(
          fc.constantFrom("x-github-event", "x-shopify-topic", "x-event-type", "other"),
          fc.oneof(fc.string(), fc.array(fc.string())),
        ),
        fc.option(fc.string()),
        fc.option(fc.string()),
        (scheme, body, headers, typeHeader, typePointer) => {
          const result = deriveEventType({ scheme, headers, body, typeHeader, typePointer });
          if (result.outcome === "unknown") expect(result.type).toBe("unknown");
          else expect(result.type.length).toBeGreaterThan(0);
        },
      ),
    );
  });
});

describe("validateTypePointer and validateTypeHeader", () => {
  it("accepts RFC 6901 pointers and unescapes their tokens", () => {
    expect(validateTypePointer("/type")).toEqual({ ok: true, segments: ["type"] });
    expect(validateTypePointer("/a~1b/c~0d/0")).toEqual({ ok: true, segments: ["a/b", "c~d", "0"] });
    expect(validateTypePointer("/")).toEqual({ ok: true, segments: [""] });
  });

  it.each([
    ["", "empty"],
    ["type", "starts with '/'"],
    ["/a~2", "followed by 0 or 1"],
    ["/a~", "followed by 0 or 1"],
    [`/${"a".repeat(300)}`, "at most"],
    [7, "string"],
  ])("refuses %j", (pointer, message) => {
    const result = validateTypePointer(pointer);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toContain(message);
  });

  it("accepts HTTP field names (lower-cased) and refuses others", () => {
    expect(validateTypeHeader(" X-Event-Type ")).toEqual({ ok: true, header: "x-event-type" });
    expect(validateTypeHeader("x event").ok).toBe(false);
    expect(validateTypeHeader("").ok).toBe(false);
    expect(validateTypeHeader("x:y").ok).toBe(false);
  });
});
