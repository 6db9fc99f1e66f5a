import { Writable } from "node:stream";
import { createLogger, type Logger, type LogLevel } from "@kapsel/logger";

export interface CapturedLogs {
  logger: Logger;
  /** Every line written, parsed. */
  lines: Record<string, unknown>[];
  /** Everything written, as text (for "never logs X" checks). */
  text(): string;
  /** Lines at level error (50) or above. */
  errors(): Record<string, unknown>[];
}

/** The product's own logger (createLogger: same format and redaction), writing into memory. */
export function capturingLogger(level: LogLevel = "debug"): CapturedLogs {
  const lines: Record<string, unknown>[] = [];
  let text = "";
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString("utf8");
      for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return {
    logger: createLogger({ name: "kapsel-test", level, destination }),
    lines,
    text: () => text,
    errors: () => lines.filter((l) => Number(l.level) >= 50),
  };
}
