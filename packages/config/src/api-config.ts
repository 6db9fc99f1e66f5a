import { z } from "zod";
import { databaseUrl, host, logLevel, port, positiveInt } from "./env-types.ts";

/** Settings of apps/api (documented in docs/configuration.md). */
export const apiConfigSchema = z.object({
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_SIZE: positiveInt(10),
  API_HOST: host("127.0.0.1"),
  API_PORT: port(3100),
  LOG_LEVEL: logLevel,
});

export type ApiConfig = z.output<typeof apiConfigSchema>;
