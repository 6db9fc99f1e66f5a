import { pino } from "pino";
import { serializeError } from "./error-serializer.ts";

export { type SerializedError, serializeError } from "./error-serializer.ts";

export type Logger = pino.Logger;
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/**
 * Structured JSON logs on stdout. Redaction is a safety net: code must not log secrets or payloads
 * in the first place, but if a header object slips into a log line its credentials are masked.
 */
export function createLogger(options: { name: string; level: LogLevel; destination?: pino.DestinationStream }): Logger {
  const settings: pino.LoggerOptions = {
    name: options.name,
    level: options.level,
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
    // Errors keep their type, message, stack, codes and causes, never row data (error-serializer.ts).
    serializers: { err: (error: unknown) => serializeError(error), error: (error: unknown) => serializeError(error) },
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}

/** Credentials and message contents, at the top level of a log object and one level down. */
const REDACTED_FIELDS = [
  "authorization",
  "cookie",
  "secret",
  "sourceSecret",
  "signingSecret",
  "previousSigningSecret",
  "previousSourceSecret",
  "signerKey",
  "password",
  "apiKey",
  "operatorApiKey",
  "payload",
  "body",
  "responseBody",
];
const REDACTED_PATHS = [
  ...REDACTED_FIELDS,
  ...REDACTED_FIELDS.map((field) => `*.${field}`),
  'headers["x-api-key"]',
  'headers["webhook-signature"]',
  'headers["x-hub-signature-256"]',
  'headers["stripe-signature"]',
  'headers["x-shopify-hmac-sha256"]',
];

/** A logger that writes nothing; for tests that do not inspect logs. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
