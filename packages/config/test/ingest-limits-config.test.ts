import { apiConfigSchema, parseEnv, workerConfigSchema } from "@kapsel/config";
import { describe, expect, it } from "vitest";

const base = { DATABASE_URL: "postgres://localhost/kapsel" };
// The API needs the secrets public key (docs/security.md); its value does not matter here.
const apiBase = { ...base, KAPSEL_SECRETS_PUBLIC_KEY: "kapsel-secrets-public-key:v1:0011223344556677:x" };

describe("worker configuration: rate limits and backpressure (decision 0015)", () => {
  it("defaults: 1 s bursts, no queue-depth limit, 5 s commit-latency limit", () => {
    const result = parseEnv(workerConfigSchema, base);
    expect(result.ok && result.config).toMatchObject({
      INGEST_RATE_BURST_SECONDS: 1,
      INGEST_MAX_QUEUE_DEPTH: 0,
      INGEST_QUEUE_SAMPLE_MS: 1000,
      INGEST_MAX_COMMIT_LATENCY_MS: 5000,
    });
  });

  it("accepts fractional bursts and 0 (off) for the limits", () => {
    const result = parseEnv(workerConfigSchema, {
      ...base,
      INGEST_RATE_BURST_SECONDS: "2.5",
      INGEST_MAX_QUEUE_DEPTH: "0",
      INGEST_MAX_COMMIT_LATENCY_MS: "0",
    });
    expect(result.ok && result.config).toMatchObject({
      INGEST_RATE_BURST_SECONDS: 2.5,
      INGEST_MAX_QUEUE_DEPTH: 0,
      INGEST_MAX_COMMIT_LATENCY_MS: 0,
    });
  });

  it("refuses bad values with one problem each", () => {
    const result = parseEnv(workerConfigSchema, {
      ...base,
      INGEST_RATE_BURST_SECONDS: "0",
      INGEST_MAX_QUEUE_DEPTH: "-1",
      INGEST_QUEUE_SAMPLE_MS: "0",
      INGEST_MAX_COMMIT_LATENCY_MS: "fast",
    });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    for (const name of [
      "INGEST_RATE_BURST_SECONDS",
      "INGEST_MAX_QUEUE_DEPTH",
      "INGEST_QUEUE_SAMPLE_MS",
      "INGEST_MAX_COMMIT_LATENCY_MS",
    ]) {
      expect(problems.filter((p) => p.startsWith(`${name}:`))).toHaveLength(1);
    }
  });
});

describe("API configuration: test events spend the same buckets", () => {
  it("reads INGEST_RATE_BURST_SECONDS like the worker", () => {
    const defaults = parseEnv(apiConfigSchema, apiBase);
    expect(defaults.ok && defaults.config.INGEST_RATE_BURST_SECONDS).toBe(1);
    const set = parseEnv(apiConfigSchema, { ...apiBase, INGEST_RATE_BURST_SECONDS: "2.5" });
    expect(set.ok && set.config.INGEST_RATE_BURST_SECONDS).toBe(2.5);
    const bad = parseEnv(apiConfigSchema, { ...apiBase, INGEST_RATE_BURST_SECONDS: "0" });
    expect(bad.ok ? [] : bad.problems.filter((p) => p.startsWith("INGEST_RATE_BURST_SECONDS:"))).toHaveLength(1);
  });
});
