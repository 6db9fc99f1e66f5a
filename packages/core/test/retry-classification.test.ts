import { describe, expect, it } from "vitest";
import {
  classifyOutcome,
  DELIVERY_ERROR_CLASSES,
  type DeliveryErrorClass,
  honoursRetryAfter,
  isDeliveryErrorClass,
  type OutcomeClass,
} from "../src/retry-classification.ts";

const http = (status: number) => ({ kind: "http" as const, status });
const error = (errorClass: DeliveryErrorClass) => ({ kind: "error" as const, errorClass });

function expectedDefault(status: number): OutcomeClass {
  if (status >= 200 && status < 300) return "success";
  if ([408, 409, 425, 429].includes(status) || (status >= 500 && status < 600)) return "retryable";
  if (status >= 300 && status < 500) return "permanent";
  return "retryable";
}

describe("retry classification", () => {
  it("classifies every status 100..599 per the default rules", () => {
    for (let status = 100; status < 600; status++) {
      expect(classifyOutcome(http(status)), `status ${status}`).toBe(expectedDefault(status));
    }
  });

  it.each([
    [200, "success"],
    [204, "success"],
    [301, "permanent"],
    [302, "permanent"],
    [304, "permanent"],
    [400, "permanent"],
    [401, "permanent"],
    [403, "permanent"],
    [404, "permanent"],
    [410, "permanent"],
    [413, "permanent"],
    [422, "permanent"],
    [408, "retryable"],
    [409, "retryable"],
    [425, "retryable"],
    [429, "retryable"],
    [500, "retryable"],
    [502, "retryable"],
    [503, "retryable"],
    [504, "retryable"],
  ] as const)("status %i is %s", (status, expected) => {
    expect(classifyOutcome(http(status))).toBe(expected);
  });

  it("treats a protocol-violating status like a network error (retryable)", () => {
    for (const status of [0, 99, 100, 199, 600, 999]) expect(classifyOutcome(http(status))).toBe("retryable");
  });

  it("classifies error classes: refused destinations are permanent, network trouble retryable", () => {
    const expected: Record<DeliveryErrorClass, OutcomeClass> = {
      timeout: "retryable",
      connect_refused: "retryable",
      dns: "retryable",
      tls: "retryable",
      reset: "retryable",
      ssrf_blocked: "permanent",
      invalid_url: "permanent",
      other: "retryable",
    };
    for (const c of DELIVERY_ERROR_CLASSES) expect(classifyOutcome(error(c)), c).toBe(expected[c]);
  });

  it("per-endpoint retryableStatuses turns listed statuses retryable and nothing else", () => {
    const policy = { retryableStatuses: [404, 301], retryAllClientErrors: false };
    expect(classifyOutcome(http(404), policy)).toBe("retryable");
    expect(classifyOutcome(http(301), policy)).toBe("retryable");
    expect(classifyOutcome(http(400), policy)).toBe("permanent");
    expect(classifyOutcome(http(302), policy)).toBe("permanent");
    expect(classifyOutcome(error("ssrf_blocked"), policy)).toBe("permanent");
  });

  it("retryAllClientErrors retries every 4xx but not 3xx", () => {
    const policy = { retryableStatuses: [], retryAllClientErrors: true };
    for (let status = 400; status < 500; status++) expect(classifyOutcome(http(status), policy)).toBe("retryable");
    expect(classifyOutcome(http(301), policy)).toBe("permanent");
    expect(classifyOutcome(http(200), policy)).toBe("success");
  });

  it("a 2xx is a success even if listed as retryable", () => {
    expect(classifyOutcome(http(200), { retryableStatuses: [200], retryAllClientErrors: true })).toBe("success");
  });

  it("honours Retry-After on 429 and 503 only", () => {
    expect(honoursRetryAfter(http(429))).toBe(true);
    expect(honoursRetryAfter(http(503))).toBe(true);
    for (const s of [200, 408, 500, 502, 504]) expect(honoursRetryAfter(http(s))).toBe(false);
    expect(honoursRetryAfter(error("timeout"))).toBe(false);
  });

  it("isDeliveryErrorClass guards untrusted input", () => {
    expect(isDeliveryErrorClass("dns")).toBe(true);
    expect(isDeliveryErrorClass("DNS")).toBe(false);
    expect(isDeliveryErrorClass(undefined)).toBe(false);
  });
});
