import { z } from "zod";

// Building blocks shared by the apps' schemas, so each setting is validated the same way everywhere.

export const port = (fallback: number) =>
  z.coerce.number().int().min(0, "must be a port number 0-65535").max(65535, "must be a port number 0-65535").default(fallback);

export const positiveInt = (fallback: number) => z.coerce.number().int("must be a whole number").positive("must be greater than 0").default(fallback);

export const databaseUrl = z
  .string({ error: "is required (a postgres:// connection URL)" })
  .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL");

export const logLevel = z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info");

export const host = (fallback: string) => z.string().min(1).default(fallback);
