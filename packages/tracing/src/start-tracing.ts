import { context, propagation, trace } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace-node";
import { tracingSettings } from "./tracing-settings.ts";

export type TracingStart =
  | { outcome: "off"; shutdown(): Promise<void> }
  | { outcome: "on"; serviceName: string; exporters: readonly string[]; shutdown(): Promise<void> }
  /** Nothing was started (shutdown is a no-op); the caller reports the problem and exits. */
  | { outcome: "invalid"; problem: string; shutdown(): Promise<void> };

export interface StartTracingOptions {
  /** Replaces the exporters named by the environment (tests use an InMemorySpanExporter). */
  exporter?: SpanExporter;
}

const SHUTDOWN_FLUSH_MS = 3_000;
const OFF = { outcome: "off", shutdown: async () => {} } as const;

/**
 * Starts OpenTelemetry tracing for this process when the standard OTEL_* variables ask for it
 * (see tracingSettings), and registers it globally so packages that use only @opentelemetry/api
 * record spans and propagate W3C traceparent. Otherwise registers nothing: the API stays a no-op.
 * Call it first in a composition root; call shutdown() last (it flushes spans not yet exported).
 */
export function startTracing(
  env: NodeJS.ProcessEnv,
  serviceName: string,
  options: StartTracingOptions = {},
): TracingStart {
  const settings = tracingSettings(env, serviceName);
  if (settings.enabled === "invalid") return { ...OFF, outcome: "invalid", problem: settings.problem };
  if (!settings.enabled && !options.exporter) return OFF;

  const spanProcessors: SpanProcessor[] = options.exporter
    ? [new SimpleSpanProcessor(options.exporter)]
    : settings.enabled
      ? settings.exporters.map((name) =>
          // OTLP in batches off the hot path (OTEL_BSP_* tune it); the console exporter is for debugging.
          name === "otlp"
            ? new BatchSpanProcessor(new OTLPTraceExporter())
            : new SimpleSpanProcessor(new ConsoleSpanExporter()),
        )
      : [];
  const name = settings.enabled ? settings.serviceName : serviceName;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ ...(settings.enabled ? settings.attributes : {}), "service.name": name }),
    spanProcessors,
  });
  provider.register(); // AsyncLocalStorage context manager and the W3C trace-context propagator
  return {
    outcome: "on",
    serviceName: name,
    exporters: options.exporter ? ["custom"] : settings.enabled ? settings.exporters : [],
    shutdown: async () => {
      // Flush what is buffered, but an unreachable collector must not hold the process's exit.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        provider.shutdown().catch(() => undefined),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, SHUTDOWN_FLUSH_MS);
        }),
      ]);
      clearTimeout(timer);
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
