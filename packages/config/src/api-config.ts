import { z } from "zod";
import { boolean, commaList, databaseUrl, host, logLevel, port, positiveInt } from "./env-types.ts";

const OPERATOR_KEY = /^[\x21-\x7e]{32,256}$/;

/** Settings of apps/api (documented in docs/configuration.md). */
export const apiConfigSchema = z
  .object({
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: positiveInt(10),
    /**
     * A read replica (hot standby) of DATABASE_URL: tenants' GraphQL query operations read from it;
     * everything that writes, authentication and subscriptions stay on DATABASE_URL. Unset: none.
     */
    API_READ_DATABASE_URL: z.preprocess((v) => (v === "" ? undefined : v), databaseUrl.optional()),
    API_HOST: host("127.0.0.1"),
    API_PORT: port(3100),
    LOG_LEVEL: logLevel,
    /** The key that manages tenants over GraphQL; unset (or empty) = no operator access. */
    OPERATOR_API_KEY: z.preprocess((v) => (v === "" ? undefined : v), z.string().optional()),
    GRAPHQL_INTROSPECTION: boolean(true),
    GRAPHQL_MAX_DEPTH: positiveInt(12),
    GRAPHQL_MAX_COST: positiveInt(10_000),
    /**
     * The role tenant requests run as under row-level security (docs/operations.md); empty = no
     * role switch, row-level security bypassed (only for measuring its cost).
     */
    API_DATABASE_ROLE: z
      .string()
      .trim()
      .regex(/^([a-z_][a-z0-9_]{0,62})?$/, "must be a PostgreSQL role name (lower case, digits, _) or empty")
      .default("kapsel_api"),
    /**
     * CIDRs or exact hostnames endpoint URLs may point to despite the SSRF guard: the same setting,
     * with the same meaning, as the worker's (set both to the same value).
     */
    DELIVERY_ALLOW_ADDRESSES: commaList,
    /**
     * The public half of the newest secrets master key: the API seals the secrets it stores but
     * cannot open them (docs/security.md, "Secrets at rest"). Checked by apps/api at start.
     */
    KAPSEL_SECRETS_PUBLIC_KEY: z.string({ error: "required (the public half of KAPSEL_SECRETS_KEY)" }).min(1),
  })
  .superRefine((config, ctx) => {
    // Checked here rather than on the field so that the error line never echoes the secret.
    if (config.OPERATOR_API_KEY !== undefined && !OPERATOR_KEY.test(config.OPERATOR_API_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "OPERATOR_API_KEY must be 32 to 256 printable ASCII characters without spaces (value not shown)",
      });
    }
  });

export type ApiConfig = z.output<typeof apiConfigSchema>;
