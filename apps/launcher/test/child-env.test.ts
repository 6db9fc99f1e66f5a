import { describe, expect, it } from "vitest";
import { childEnv } from "../src/child-env.ts";

describe("childEnv", () => {
  it("passes the system's basics, the app's own settings and OTEL_*, then what the launcher gives; nothing else", () => {
    const parent = {
      PATH: "/usr/bin",
      HOME: "/root",
      LC_ALL: "C",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      DELIVERY_CONCURRENCY: "8",
      OPERATOR_API_KEY: "kap_op_secret",
      AWS_SECRET_ACCESS_KEY: "leak",
      npm_config_cache: "/root/.npm",
    };
    expect(
      childEnv(parent, ["DELIVERY_CONCURRENCY", "DATABASE_URL"], { DATABASE_URL: "postgres://x", UNSET: undefined }),
    ).toEqual({
      PATH: "/usr/bin",
      HOME: "/root",
      LC_ALL: "C",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      DELIVERY_CONCURRENCY: "8",
      DATABASE_URL: "postgres://x",
    });
  });
});
