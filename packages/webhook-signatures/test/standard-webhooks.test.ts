import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import {
  generateWebhookSecret,
  type SourceVerification,
  signSourceRequest,
  signStandardWebhook,
  verifySource,
} from "../src/index.ts";
import { expectRejected, expectVerified, flipByte, NOW_MS, NOW_S, tamperBase64 } from "./support.ts";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const config: SourceVerification = { scheme: "standard-webhooks", secret: SECRET };
const body = Buffer.from('{"type":"invoice.paid","data":{"amount":1200}}');

function signedAt(timestampSeconds: number, secrets: readonly string[] = [SECRET]) {
  return signStandardWebhook({ id: "msg_2abc", timestampSeconds, body, secrets });
}

describe("standard-webhooks: spec example", () => {
  it("reproduces the signature from the Standard Webhooks spec", () => {
    const headers = signStandardWebhook({
      id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
      timestampSeconds: 1614265330,
      body: '{"test": 2432232314}',
      secrets: [SECRET],
    });
    expect(headers).toEqual({
      "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
      "webhook-timestamp": "1614265330",
      "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    });
  });
});

describe("standard-webhooks: verifySource", () => {
  it("verifies a correct request and returns webhook-id as deliveryId", () => {
    expectVerified(verifySource(config, signedAt(NOW_S), body, NOW_MS), "msg_2abc");
  });

  it("accepts a secret without the whsec_ prefix", () => {
    const bare = { ...config, secret: SECRET.slice("whsec_".length) };
    expectVerified(verifySource(bare, signedAt(NOW_S), body, NOW_MS), "msg_2abc");
  });

  it("rejects a tampered body", () => {
    expectRejected(verifySource(config, signedAt(NOW_S), flipByte(body, 3), NOW_MS), "signature_invalid");
  });

  it("rejects a tampered signature", () => {
    const headers = signedAt(NOW_S);
    const tampered = `v1,${tamperBase64(headers["webhook-signature"].slice(3))}`;
    expectRejected(
      verifySource(config, { ...headers, "webhook-signature": tampered }, body, NOW_MS),
      "signature_invalid",
    );
  });

  it("rejects a tampered webhook-id or webhook-timestamp (both are signed)", () => {
    const headers = signedAt(NOW_S);
    expectRejected(verifySource(config, { ...headers, "webhook-id": "msg_other" }, body, NOW_MS), "signature_invalid");
    const shifted = { ...headers, "webhook-timestamp": String(NOW_S - 1) };
    expectRejected(verifySource(config, shifted, body, NOW_MS), "signature_invalid");
  });

  it("rejects a request signed with another secret", () => {
    const headers = signedAt(NOW_S, [generateWebhookSecret()]);
    expectRejected(verifySource(config, headers, body, NOW_MS), "signature_invalid");
  });

  it.each(["webhook-signature", "webhook-id", "webhook-timestamp"] as const)(
    "reports signature_missing when %s is absent or empty",
    (name) => {
      const headers: Record<string, string | undefined> = { ...signedAt(NOW_S) };
      expect(
        expectRejected(verifySource(config, { ...headers, [name]: undefined }, body, NOW_MS), "signature_missing"),
      ).toContain(name);
      expectRejected(verifySource(config, { ...headers, [name]: "" }, body, NOW_MS), "signature_missing");
    },
  );

  it("reports signature_missing when no headers are present", () => {
    expectRejected(verifySource(config, {}, body, NOW_MS), "signature_missing");
  });

  it("accepts any matching v1 signature and skips other versions", () => {
    const good = signedAt(NOW_S)["webhook-signature"];
    const other = signedAt(NOW_S, [generateWebhookSecret()])["webhook-signature"];
    const list = `v1a,${"A".repeat(86)}== ${other} ${good}`;
    expectVerified(verifySource(config, { ...signedAt(NOW_S), "webhook-signature": list }, body, NOW_MS), "msg_2abc");
  });

  it("rejects a list with no v1 entry", () => {
    const sig = signedAt(NOW_S)["webhook-signature"].replace("v1,", "v2,");
    const detail = expectRejected(
      verifySource(config, { ...signedAt(NOW_S), "webhook-signature": sig }, body, NOW_MS),
      "signature_invalid",
    );
    expect(detail).toContain("no v1");
  });

  it.each([
    ["too short", "v1,AAAA"],
    ["too long", `v1,${"A".repeat(60)}`],
    ["not base64", `v1,${"!".repeat(43)}=`],
    ["empty after version", "v1,"],
  ])("rejects a malformed signature (%s) without throwing", (_label, signature) => {
    expectRejected(
      verifySource(config, { ...signedAt(NOW_S), "webhook-signature": signature }, body, NOW_MS),
      "signature_invalid",
    );
  });

  it.each(["-5", "1.5e9", "abc", "1 2", "1700000000.5", "9".repeat(16)])(
    "rejects a non-integer webhook-timestamp %j",
    (timestamp) => {
      const headers = { ...signedAt(NOW_S), "webhook-timestamp": timestamp };
      expect(expectRejected(verifySource(config, headers, body, NOW_MS), "signature_invalid")).toContain(
        "not unix seconds",
      );
    },
  );

  it("uses the first value of a repeated header", () => {
    const headers = signedAt(NOW_S);
    const repeated = { ...headers, "webhook-signature": [headers["webhook-signature"], "v1,bogus"] };
    expectVerified(verifySource(config, repeated, body, NOW_MS), "msg_2abc");
    const badFirst = { ...headers, "webhook-signature": ["v1,bogus", headers["webhook-signature"]] };
    expectRejected(verifySource(config, badFirst, body, NOW_MS), "signature_invalid");
  });

  it("accepts the same scheme under Svix's svix-* header names", () => {
    const headers = signedAt(NOW_S);
    const svix = {
      "svix-id": headers["webhook-id"],
      "svix-timestamp": headers["webhook-timestamp"],
      "svix-signature": headers["webhook-signature"],
    };
    expectVerified(verifySource(config, svix, body, NOW_MS), "msg_2abc");
  });
});

describe("standard-webhooks: timestamp tolerance", () => {
  it.each([
    ["exactly tolerance in the past", -300, true],
    ["tolerance + 1 in the past", -301, false],
    ["exactly tolerance in the future", 300, true],
    ["tolerance + 1 in the future", 301, false],
  ])("default 300 s: %s", (_label, offset, ok) => {
    const result = verifySource(config, signedAt(NOW_S + offset), body, NOW_MS);
    if (ok) expectVerified(result, "msg_2abc");
    else expectRejected(result, "timestamp_out_of_tolerance");
  });

  it("honours a configured tolerance", () => {
    const strict = { ...config, toleranceSeconds: 10 };
    expectVerified(verifySource(strict, signedAt(NOW_S - 10), body, NOW_MS), "msg_2abc");
    expectRejected(verifySource(strict, signedAt(NOW_S - 11), body, NOW_MS), "timestamp_out_of_tolerance");
    expectVerified(verifySource(strict, signedAt(NOW_S + 10), body, NOW_MS), "msg_2abc");
    expectRejected(verifySource(strict, signedAt(NOW_S + 11), body, NOW_MS), "timestamp_out_of_tolerance");
  });

  it("floors the clock to whole seconds like the reference libraries", () => {
    const endOfSecond = NOW_S * 1000 + 999;
    expectVerified(verifySource(config, signedAt(NOW_S - 300), body, endOfSecond), "msg_2abc");
    expectRejected(verifySource(config, signedAt(NOW_S - 300), body, endOfSecond + 1), "timestamp_out_of_tolerance");
  });

  it("reports a forged old request as signature_invalid, not as stale", () => {
    const forged = signedAt(NOW_S - 3600, [generateWebhookSecret()]);
    expectRejected(verifySource(config, forged, body, NOW_MS), "signature_invalid");
  });

  it("fails closed on a NaN clock", () => {
    expectRejected(verifySource(config, signedAt(NOW_S), body, Number.NaN), "timestamp_out_of_tolerance");
  });
});

describe("standard-webhooks: outbound signing", () => {
  it("emits one v1 signature per secret, space-separated, in order", () => {
    const secrets = [generateWebhookSecret(), generateWebhookSecret(), SECRET];
    const headers = signedAt(NOW_S, secrets);
    const parts = headers["webhook-signature"].split(" ");
    expect(parts).toHaveLength(3);
    parts.forEach((part, i) => {
      expect(part).toBe(signedAt(NOW_S, [secrets[i]!])["webhook-signature"]);
      expect(part).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    });
  });

  it("signs a string body and the same bytes as a Buffer identically", () => {
    const text = '{"emoji":"\u{1F680}","n":1}';
    const fromString = signStandardWebhook({ id: "m", timestampSeconds: 1, body: text, secrets: [SECRET] });
    const fromBuffer = signStandardWebhook({
      id: "m",
      timestampSeconds: 1,
      body: Buffer.from(text),
      secrets: [SECRET],
    });
    expect(fromString).toEqual(fromBuffer);
  });

  it("throws a TypeError that does not quote the secret for unusable input", () => {
    const badSecret = "whsec_not*base64";
    const sign = (over: Partial<Parameters<typeof signStandardWebhook>[0]>) => () =>
      signStandardWebhook({ id: "m", timestampSeconds: NOW_S, body, secrets: [SECRET], ...over });
    expect(sign({ secrets: [] })).toThrow(TypeError);
    expect(sign({ secrets: [SECRET, badSecret] })).toThrow(/secrets\[1\]/);
    expect(sign({ secrets: [badSecret] })).not.toThrow(/not\*base64/);
    expect(sign({ id: "" })).toThrow(TypeError);
    expect(sign({ timestampSeconds: 1.5 })).toThrow(TypeError);
    expect(sign({ timestampSeconds: -1 })).toThrow(TypeError);
  });

  it("generateWebhookSecret returns whsec_ + base64 of 32 random bytes", () => {
    const a = generateWebhookSecret();
    const b = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a.slice(6), "base64")).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it("signSourceRequest produces verifiable headers with the given or a fresh id", () => {
    const given = signSourceRequest(config, body, NOW_MS, "msg_given");
    expect(given["webhook-id"]).toBe("msg_given");
    expect(given["webhook-timestamp"]).toBe(String(NOW_S));
    expectVerified(verifySource(config, given, body, NOW_MS), "msg_given");
    const fresh1 = signSourceRequest(config, body, NOW_MS);
    const fresh2 = signSourceRequest(config, body, NOW_MS);
    expect(fresh1["webhook-id"]).not.toBe(fresh2["webhook-id"]);
    expectVerified(verifySource(config, fresh1, body, NOW_MS), fresh1["webhook-id"]!);
  });
});

// The official library checks timestamps against the real Date.now(), so these use real time.
describe("standard-webhooks: cross-check with the official standardwebhooks package", () => {
  const payload = '{"type":"user.created","data":{"id":"u_1","name":"Zo\u00eb"}}';

  it("a payload signed by signStandardWebhook verifies with Webhook.verify", () => {
    const secret = generateWebhookSecret();
    const headers = signStandardWebhook({
      id: "msg_ours",
      timestampSeconds: Math.floor(Date.now() / 1000),
      body: Buffer.from(payload),
      secrets: [secret],
    });
    expect(new Webhook(secret).verify(payload, headers)).toEqual(JSON.parse(payload));
    expect(() => new Webhook(generateWebhookSecret()).verify(payload, headers)).toThrow();
  });

  it("a payload signed by Webhook.sign verifies with verifySource", () => {
    const secret = generateWebhookSecret();
    const now = new Date();
    const headers = {
      "webhook-id": "msg_theirs",
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign("msg_theirs", now, payload),
    };
    const source: SourceVerification = { scheme: "standard-webhooks", secret };
    expectVerified(verifySource(source, headers, Buffer.from(payload), now.getTime()), "msg_theirs");
    expectRejected(verifySource(source, headers, Buffer.from(`${payload} `), now.getTime()), "signature_invalid");
  });

  it("during a rotation, both the old and the new secret verify our multi-signature header", () => {
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    const headers = signStandardWebhook({
      id: "msg_rotating",
      timestampSeconds: Math.floor(Date.now() / 1000),
      body: payload,
      secrets: [oldSecret, newSecret],
    });
    expect(new Webhook(oldSecret).verify(payload, headers)).toEqual(JSON.parse(payload));
    expect(new Webhook(newSecret).verify(payload, headers)).toEqual(JSON.parse(payload));
  });

  it("during a rotation, verifySource accepts a header carrying signatures from both libraries' secrets", () => {
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    const now = new Date();
    const signature = [
      new Webhook(oldSecret).sign("msg_r", now, payload),
      new Webhook(newSecret).sign("msg_r", now, payload),
    ].join(" ");
    const headers = {
      "webhook-id": "msg_r",
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": signature,
    };
    for (const secret of [oldSecret, newSecret]) {
      expectVerified(
        verifySource({ scheme: "standard-webhooks", secret }, headers, Buffer.from(payload), now.getTime()),
        "msg_r",
      );
    }
    expectRejected(
      verifySource(
        { scheme: "standard-webhooks", secret: generateWebhookSecret() },
        headers,
        Buffer.from(payload),
        now.getTime(),
      ),
      "signature_invalid",
    );
  });
});
