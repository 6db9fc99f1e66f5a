import type { DeliveryErrorClass } from "@kapsel/core";
import { errors } from "undici";
import { describe, expect, it } from "vitest";
import { classifyNetworkError, sanitizeMessage } from "../src/error-classification.ts";

const coded = (code: string, message = `failed with ${code}`) => Object.assign(new Error(message), { code });

describe("classifyNetworkError", () => {
  it.each([
    [new errors.ConnectTimeoutError(), "timeout"],
    [new errors.HeadersTimeoutError(), "timeout"],
    [new errors.BodyTimeoutError(), "timeout"],
    [coded("ETIMEDOUT"), "timeout"],
    [coded("ECONNREFUSED"), "connect_refused"],
    [coded("ENOTFOUND"), "dns"],
    [coded("EAI_AGAIN"), "dns"],
    [coded("ECONNRESET"), "reset"],
    [coded("EPIPE"), "reset"],
    [new errors.SocketError("other side closed"), "reset"],
    [coded("ERR_TLS_CERT_ALTNAME_INVALID"), "tls"],
    [coded("CERT_HAS_EXPIRED"), "tls"],
    [coded("DEPTH_ZERO_SELF_SIGNED_CERT"), "tls"],
    [coded("SELF_SIGNED_CERT_IN_CHAIN"), "tls"],
    [coded("UNABLE_TO_VERIFY_LEAF_SIGNATURE"), "tls"],
    [coded("ERR_SSL_WRONG_VERSION_NUMBER"), "tls"],
    [coded("ERR_KAPSEL_SSRF_BLOCKED"), "ssrf_blocked"],
    [coded("ERR_INVALID_URL"), "invalid_url"],
    [coded("EHOSTUNREACH"), "other"],
    [new Error("something else"), "other"],
    ["a thrown string", "other"],
    [undefined, "other"],
  ] as const)("%o -> %s", (error, expected: DeliveryErrorClass) => {
    const { errorClass, message } = classifyNetworkError(error);
    expect(errorClass).toBe(expected);
    expect(message.length).toBeGreaterThan(0);
  });

  it("looks through causes and AggregateError members (Happy Eyeballs)", () => {
    const aggregate = new AggregateError([coded("ECONNREFUSED", "connect ECONNREFUSED ::1:80")], "all attempts failed");
    expect(classifyNetworkError(aggregate).errorClass).toBe("connect_refused");
    const wrapped = new Error("fetch failed", { cause: coded("ENOTFOUND", "getaddrinfo ENOTFOUND x.invalid") });
    expect(classifyNetworkError(wrapped)).toEqual({ errorClass: "dns", message: "getaddrinfo ENOTFOUND x.invalid" });
  });

  it("keeps OpenSSL's reason instead of its raw error line", () => {
    const tls = Object.assign(
      new Error("80AC:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:x.c:350:"),
      {
        code: "ERR_SSL_WRONG_VERSION_NUMBER",
        library: "SSL routines",
        reason: "wrong version number",
      },
    );
    expect(classifyNetworkError(tls)).toEqual({
      errorClass: "tls",
      message: "SSL routines: wrong version number (ERR_SSL_WRONG_VERSION_NUMBER)",
    });
  });
});

describe("sanitizeMessage", () => {
  it("redacts request header values before capping the length", () => {
    const secret = "v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=";
    const message = `${"x".repeat(280)} ${secret} tail`;
    const sanitized = sanitizeMessage(message, { "webhook-signature": secret, "x-short": "abc" });
    expect(sanitized).not.toContain("K5oZ");
    expect(sanitized.length).toBeLessThanOrEqual(300);
    expect(sanitizeMessage("status abc ok", { "x-short": "abc" })).toBe("status abc ok");
  });
});
