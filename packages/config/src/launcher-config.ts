import { z } from "zod";
import { databaseUrl, host, logLevel, metricsToken, port } from "./env-types.ts";
import { rolesSetting } from "./roles.ts";

/** Settings of `npm start` (apps/launcher); the worker's own settings pass through to it. */
export const launcherConfigSchema = z.object({
  /** When set, use this PostgreSQL and start no embedded one. */
  DATABASE_URL: databaseUrl.optional(),
  KAPSEL_DATA_DIR: z.string().min(1).default(".kapsel"),
  KAPSEL_POSTGRES_PORT: port(54329),
  /** Which apps to start: the worker for ingest/deliver/attest, the API, the console; all by default. */
  KAPSEL_ROLES: rolesSetting,
  INGEST_HOST: host("127.0.0.1"),
  INGEST_PORT: port(3000),
  DEMO_RECEIVER_PORT: port(3001),
  API_HOST: host("127.0.0.1"),
  API_PORT: port(3100),
  /**
   * The private metrics listeners of the worker and the API (each process has its own, on
   * METRICS_HOST); METRICS_TOKEN passes through to both. A single METRICS_PORT would give two
   * processes one port, so npm start refuses it.
   */
  METRICS_HOST: host("127.0.0.1"),
  WORKER_METRICS_PORT: port(9464),
  API_METRICS_PORT: port(9465),
  METRICS_PORT: z
    .undefined({
      error:
        "npm start runs a worker and an API, each with its own metrics listener: set WORKER_METRICS_PORT and API_METRICS_PORT instead",
    })
    .optional(),
  METRICS_TOKEN: metricsToken,
  /** Where the console (apps/console, `next start`) listens; `0` = any free port. */
  CONSOLE_HOST: host("127.0.0.1"),
  CONSOLE_PORT: port(3200),
  /** Name of the attestation log (checkpoint origin line and key name) for a newly created key. */
  ATTEST_LOG_ORIGIN: z
    .string()
    .regex(/^[^\s+]+$/, "must be a name without spaces or '+'")
    .default("kapsel.localhost/log"),
  LOG_LEVEL: logLevel,
});

export type LauncherConfig = z.output<typeof launcherConfigSchema>;
