export { type StartTracingOptions, startTracing, type TracingStart } from "./start-tracing.ts";
export { type TraceExporterName, type TracingSettings, tracingSettings } from "./tracing-settings.ts";
