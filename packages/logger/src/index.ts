import { pino } from "pino";

export type Logger = pino.Logger;
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

/**
 * Structured JSON logs on stdout. Redaction is a safety net: code must not log secrets or payloads
 * in the first place, but if a header object slips into a log line its credentials are masked.
 */
export function createLogger(options: { name: string; level: LogLevel }): Logger {
  return pino({
    name: options.name,
    level: options.level,
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        "*.authorization",
        "*.cookie",
        "*.secret",
        "*.sourceSecret",
        "*.signingSecret",
        "*.password",
        "*.apiKey",
        "headers.authorization",
        'headers["x-api-key"]',
      ],
      censor: "[redacted]",
    },
  });
}

/** A logger that writes nothing; for tests that do not inspect logs. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
