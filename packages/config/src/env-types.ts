import { z } from "zod";

// Building blocks shared by the apps' schemas, so each setting is validated the same way everywhere.

const PORT = "must be a port number 0-65535";
export const port = (fallback: number) =>
  z.coerce.number({ error: PORT }).int(PORT).min(0, PORT).max(65535, PORT).default(fallback);

/** A port with no default: unset means "do not listen". */
export const optionalPort = z.coerce.number({ error: PORT }).int(PORT).min(0, PORT).max(65535, PORT).optional();

const POSITIVE = "must be a whole number greater than 0";
export const positiveInt = (fallback: number) =>
  z.coerce.number({ error: POSITIVE }).int(POSITIVE).positive(POSITIVE).default(fallback);

export const databaseUrl = z
  .string({ error: "is required (a postgres:// connection URL)" })
  .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL");

export const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info");

export const host = (fallback: string) => z.string().min(1).default(fallback);

export const boolean = (fallback: boolean) =>
  z
    .enum(["true", "false"], { error: "must be true or false" })
    .default(fallback ? "true" : "false")
    .transform((v) => v === "true");

/**
 * INGEST_RATE_BURST_SECONDS (decision 0015): a rate-limited tenant's bucket holds this many seconds
 * of its rate. Read by ingest and by the API (test events spend the same bucket): set both alike.
 */
export const rateBurstSeconds = z.coerce
  .number({ error: "must be a number greater than 0" })
  .positive("must be a number greater than 0")
  .default(1);

/** "a, b,,c" -> ["a", "b", "c"]; unset -> []. */
export const commaList = z
  .string()
  .default("")
  .transform((v) =>
    v
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== ""),
  );
