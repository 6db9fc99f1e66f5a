/** What the standard OTEL_* variables ask for. Tracing is off unless they ask for an exporter. */
export type TracingSettings =
  | { enabled: false }
  | { enabled: true; exporters: readonly TraceExporterName[]; serviceName: string; attributes: Record<string, string> }
  | { enabled: "invalid"; problem: string };

export type TraceExporterName = "otlp" | "console";

const EXPORTERS: readonly string[] = ["otlp", "console", "none"];

/**
 * Reads OTEL_SDK_DISABLED, OTEL_TRACES_EXPORTER (otlp, console, none; a comma list),
 * OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES. Unlike the
 * OpenTelemetry default (otlp), an unset OTEL_TRACES_EXPORTER means "off" unless an OTLP endpoint
 * is set: a process nobody asked to trace must not try to reach localhost:4318.
 */
export function tracingSettings(env: NodeJS.ProcessEnv, defaultServiceName: string): TracingSettings {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return { enabled: false };
  const named = (env.OTEL_TRACES_EXPORTER ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== "");
  const unknown = named.filter((name) => !EXPORTERS.includes(name));
  if (unknown.length > 0) {
    return {
      enabled: "invalid",
      problem: `OTEL_TRACES_EXPORTER: must be otlp, console or none (a comma list); got ${JSON.stringify(env.OTEL_TRACES_EXPORTER)}`,
    };
  }
  const endpointSet = Boolean(
    env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim(),
  );
  const exporters: TraceExporterName[] =
    named.length === 0
      ? endpointSet
        ? ["otlp"]
        : []
      : named.includes("none")
        ? []
        : named.filter((n): n is TraceExporterName => n === "otlp" || n === "console");
  if (exporters.length === 0) return { enabled: false };
  const attributes = parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES ?? "");
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || attributes["service.name"] || defaultServiceName;
  return { enabled: true, exporters: [...new Set(exporters)], serviceName, attributes };
}

/** "key=value,key2=value%202" (W3C Baggage-like, values percent-encoded); bad pairs are skipped. */
function parseResourceAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of text.split(",")) {
    const at = pair.indexOf("=");
    if (at <= 0) continue;
    try {
      attributes[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      // a malformed escape: leave that attribute out rather than refuse to start
    }
  }
  return attributes;
}
