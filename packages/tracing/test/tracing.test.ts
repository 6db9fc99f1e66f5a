import { startTracing, tracingSettings } from "@kapsel/tracing";
import { context, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { InMemorySpanExporter } from "@opentelemetry/sdk-trace-node";
import { describe, expect, it } from "vitest";

describe("tracingSettings", () => {
  const cases: [string, NodeJS.ProcessEnv, unknown][] = [
    ["off without OTEL_* variables", {}, { enabled: false }],
    ["on with an OTLP endpoint", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }, { exporters: ["otlp"] }],
    [
      "on with a traces endpoint",
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://c:4318/v1/traces" },
      { exporters: ["otlp"] },
    ],
    ["on with the console exporter", { OTEL_TRACES_EXPORTER: "console" }, { exporters: ["console"] }],
    ["on with both", { OTEL_TRACES_EXPORTER: "otlp, console,otlp" }, { exporters: ["otlp", "console"] }],
    [
      "off with none",
      { OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" },
      { enabled: false },
    ],
    ["off when the SDK is disabled", { OTEL_SDK_DISABLED: "true", OTEL_TRACES_EXPORTER: "otlp" }, { enabled: false }],
  ];
  for (const [name, env, expected] of cases) {
    it(name, () => {
      expect(tracingSettings(env, "kapsel-worker")).toMatchObject(expected as object);
    });
  }

  it("takes the service name and resource attributes from the environment", () => {
    expect(
      tracingSettings(
        { OTEL_TRACES_EXPORTER: "otlp", OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod,team=a%20b,broken" },
        "kapsel-worker",
      ),
    ).toEqual({
      enabled: true,
      exporters: ["otlp"],
      serviceName: "kapsel-worker",
      attributes: { "deployment.environment": "prod", team: "a b" },
    });
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: "otlp", OTEL_SERVICE_NAME: "ingest-eu" }, "x")).toMatchObject({
      serviceName: "ingest-eu",
    });
  });

  it("refuses an exporter it does not have", () => {
    expect(tracingSettings({ OTEL_TRACES_EXPORTER: "zipkin" }, "x")).toEqual({
      enabled: "invalid",
      problem: 'OTEL_TRACES_EXPORTER: must be otlp, console or none (a comma list); got "zipkin"',
    });
  });
});

describe("startTracing", () => {
  it("registers nothing when off: spans are no-ops and no traceparent is propagated", async () => {
    const started = startTracing({}, "kapsel-test");
    expect(started.outcome).toBe("off");
    const span = trace.getTracer("t").startSpan("x");
    expect(span.isRecording()).toBe(false);
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(ROOT_CONTEXT, span), carrier);
    expect(carrier).toEqual({});
    span.end();
    await started.shutdown();
  });

  it("records spans with the service name and propagates W3C traceparent when on", async () => {
    const exporter = new InMemorySpanExporter();
    const started = startTracing({ OTEL_SERVICE_NAME: "kapsel-test" }, "fallback", { exporter });
    expect(started.outcome).toBe("on");
    try {
      const tracer = trace.getTracer("t");
      const parent = tracer.startSpan("parent");
      const carrier: Record<string, string> = {};
      propagation.inject(trace.setSpan(ROOT_CONTEXT, parent), carrier);
      expect(carrier.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      const remote = propagation.extract(ROOT_CONTEXT, carrier);
      context.with(remote, () => tracer.startSpan("child").end());
      parent.end();
      const spans = exporter.getFinishedSpans();
      expect(spans.map((s) => s.name)).toEqual(["child", "parent"]);
      expect(spans[0]?.spanContext().traceId).toBe(parent.spanContext().traceId);
      expect(spans[0]?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
      expect(spans[0]?.resource.attributes["service.name"]).toBe("fallback");
    } finally {
      await started.shutdown();
    }
    expect(trace.getTracer("t").startSpan("after").isRecording()).toBe(false);
  });
});
