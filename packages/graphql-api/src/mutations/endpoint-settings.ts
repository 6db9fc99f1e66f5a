import { DEFAULT_BACKOFF_BASE_MS, DEFAULT_BACKOFF_CAP_MS, DEFAULT_MAX_ATTEMPTS } from "@kapsel/core";
import { type SsrfPolicy, validateEndpointUrl } from "@kapsel/delivery-http";
import { type SourceScheme, validateSourceVerification } from "@kapsel/webhook-signatures";
import { toEnum } from "../models.ts";
import { resolveTypeSettings } from "./source-type-settings.ts";
import { invalid, type UserError, unverifiedSource, urlNotAllowed } from "./user-errors.ts";

/**
 * An endpoint's settings as stored (database values: `standard-webhooks`, not `STANDARD_WEBHOOKS`):
 * its own, and its source's (`source*`, stored on the source that feeds it, decision 0027).
 */
export interface EndpointSettings {
  name: string;
  url: string;
  sourceScheme: SourceScheme;
  sourceHeader: string | null;
  sourceEncoding: "hex" | "base64" | null;
  sourcePrefix: string | null;
  sourceToleranceSeconds: number;
  sourceTypeHeader: string | null;
  sourceTypePointer: string | null;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  connectTimeoutMs: number;
  responseTimeoutMs: number;
  maxInFlight: number;
  retryableStatuses: number[];
  retryAllClientErrors: boolean;
}

/** The stored state an update starts from: settings, and whether a source secret is set (never its value). */
export interface CurrentEndpoint {
  settings: EndpointSettings;
  hasSourceSecret: boolean;
}

/** CreateEndpointInput / UpdateEndpointInput as graphql-js hands them over (enums in GraphQL spelling). */
export interface EndpointInput {
  name?: string | null;
  url?: string | null;
  sourceScheme?: string | null;
  sourceSecret?: string | null;
  sourceHeader?: string | null;
  sourceEncoding?: string | null;
  sourcePrefix?: string | null;
  sourceToleranceSeconds?: number | null;
  /** UpdateEndpointInput only. */
  sourceTypeHeader?: string | null;
  /** UpdateEndpointInput only. */
  sourceTypePointer?: string | null;
  maxAttempts?: number | null;
  backoffBaseMs?: number | null;
  backoffCapMs?: number | null;
  connectTimeoutMs?: number | null;
  responseTimeoutMs?: number | null;
  maxInFlight?: number | null;
  retryableStatuses?: number[] | null;
  retryAllClientErrors?: boolean | null;
  /** Must be true to choose sourceScheme NONE (not stored: it is the caller's confirmation). */
  acknowledgeUnverifiedSource?: boolean | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * What the API accepts. The lower bounds are the database's CHECK constraints (so a valid input
 * never fails one); the upper bounds keep settings sane: backoff within a week (and a 32-bit Int),
 * connect + response timeouts within the 120 s after which a half-open breaker presumes a probe
 * lost (docs/delivery-policy.md), and the tolerance within a day.
 */
export const ENDPOINT_LIMITS = {
  name: { min: 1, max: 200 },
  sourceSecret: { min: 1, max: 1024 },
  sourceHeader: { max: 100 },
  sourcePrefix: { max: 100 },
  sourceToleranceSeconds: { min: 1, max: 86_400 },
  maxAttempts: { min: 1, max: 1000 },
  backoffBaseMs: { min: 1, max: 7 * DAY_MS },
  backoffCapMs: { min: 1, max: 7 * DAY_MS },
  connectTimeoutMs: { min: 1, max: 30_000 },
  responseTimeoutMs: { min: 1, max: 60_000 },
  maxInFlight: { min: 1, max: 1000 },
  retryableStatus: { min: 300, max: 599 },
  retryableStatuses: { max: 50 },
} as const;

/** The settings a new endpoint starts from: the columns' defaults (a test compares them with the database's). */
export const ENDPOINT_DEFAULTS: Omit<EndpointSettings, "name" | "url" | "sourceScheme"> = Object.freeze({
  sourceHeader: null,
  sourceEncoding: null,
  sourcePrefix: null,
  sourceToleranceSeconds: 300,
  sourceTypeHeader: null,
  sourceTypePointer: null,
  maxAttempts: DEFAULT_MAX_ATTEMPTS,
  backoffBaseMs: DEFAULT_BACKOFF_BASE_MS,
  backoffCapMs: DEFAULT_BACKOFF_CAP_MS,
  connectTimeoutMs: 5000,
  responseTimeoutMs: 15000,
  maxInFlight: 10,
  retryableStatuses: [],
  retryAllClientErrors: false,
});

const SCHEMES: Readonly<Record<string, SourceScheme>> = {
  NONE: "none",
  STANDARD_WEBHOOKS: "standard-webhooks",
  GITHUB: "github",
  STRIPE: "stripe",
  SHOPIFY: "shopify",
  HMAC_SHA256: "hmac-sha256",
};

/**
 * Schemes whose secret the tenant chooses when configuring the source, so Kapsel may generate one.
 * Stripe and Shopify issue the secret themselves: it must be copied from them.
 */
export const GENERATED_SOURCE_SCHEMES: readonly SourceScheme[] = ["standard-webhooks", "github", "hmac-sha256"];

/** RFC 9110 token: what a header name may consist of. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const PRINTABLE = /^[\x20-\x7e]*$/;

export type SettingsResult =
  | {
      ok: true;
      settings: EndpointSettings;
      /** The source secret to store: a string, null to clear it, undefined to keep it. */
      sourceSecret: string | null | undefined;
      /** Set when Kapsel generated the source secret: the payload shows it, once. */
      generatedSourceSecret: string | null;
    }
  | { ok: false; errors: UserError[] };

export interface SettingsContext {
  policy: SsrfPolicy;
  generateSecret: () => string;
}

/**
 * Validates a create (`current` null) or an update (`current` the stored endpoint) and returns the
 * settings to store. Every problem is reported, each at its input field; messages never quote a
 * secret. Omitted fields keep their value (or default); explicit nulls are refused except for the
 * generic HMAC options, where null restores the default.
 */
export function resolveEndpointSettings(
  input: EndpointInput,
  current: CurrentEndpoint | null,
  context: SettingsContext,
): SettingsResult {
  const errors: UserError[] = [];
  const at = (name: string) => ["input", name];
  const given = <K extends keyof EndpointInput>(key: K): boolean => input[key] !== undefined;
  const isCreate = current === null;
  const base: EndpointSettings = current?.settings ?? {
    name: "",
    url: "",
    sourceScheme: "none",
    ...ENDPOINT_DEFAULTS,
    retryableStatuses: [],
  };
  const next: EndpointSettings = { ...base };

  // Explicit null on a setting that cannot be empty: refused on update, "use the default" on create.
  const nonNull = <K extends keyof EndpointInput>(key: K): NonNullable<EndpointInput[K]> | undefined => {
    const value = input[key];
    if (value === undefined) return undefined;
    if (value === null) {
      if (!isCreate) errors.push(invalid(at(key), `${key} cannot be null; omit it to keep the current value.`));
      return undefined;
    }
    return value as NonNullable<EndpointInput[K]>;
  };

  const name = nonNull("name");
  if (name !== undefined) {
    if (name.trim().length < ENDPOINT_LIMITS.name.min || name.length > ENDPOINT_LIMITS.name.max) {
      errors.push(invalid(at("name"), `name must be 1 to ${ENDPOINT_LIMITS.name.max} characters, not only spaces.`));
    } else next.name = name;
  }

  const url = nonNull("url");
  if (url !== undefined) {
    const checked = validateEndpointUrl(url, context.policy);
    if (checked.ok) next.url = checked.href;
    else if (checked.reason === "blocked_address" || checked.reason === "blocked_hostname") {
      errors.push(
        urlNotAllowed(
          at("url"),
          `url is not allowed: ${checked.message}. Deliveries may only go to public destinations unless the operator allow-lists this one (DELIVERY_ALLOW_ADDRESSES).`,
          checked.blockReason ?? "internal_name",
        ),
      );
    } else errors.push(invalid(at("url"), `url is invalid: ${checked.message}.`));
  }

  for (const key of [
    "sourceToleranceSeconds",
    "maxAttempts",
    "backoffBaseMs",
    "backoffCapMs",
    "connectTimeoutMs",
    "responseTimeoutMs",
    "maxInFlight",
  ] as const) {
    const value = nonNull(key);
    if (value === undefined) continue;
    const { min, max } = ENDPOINT_LIMITS[key];
    if (!Number.isInteger(value) || value < min || value > max) {
      errors.push(invalid(at(key), `${key} must be a whole number from ${min} to ${max}.`));
    } else next[key] = value;
  }
  if (next.backoffCapMs < next.backoffBaseMs && !errors.some((e) => /backoff/.test(e.field?.[1] ?? ""))) {
    const field = given("backoffCapMs") || !given("backoffBaseMs") ? "backoffCapMs" : "backoffBaseMs";
    errors.push(
      invalid(at(field), `backoffCapMs (${next.backoffCapMs}) must be at least backoffBaseMs (${next.backoffBaseMs}).`),
    );
  }

  const statuses = nonNull("retryableStatuses");
  if (statuses !== undefined) {
    const { min, max } = ENDPOINT_LIMITS.retryableStatus;
    const bad = statuses.findIndex((s) => !Number.isInteger(s) || s < min || s > max);
    if (statuses.length > ENDPOINT_LIMITS.retryableStatuses.max) {
      errors.push(
        invalid(at("retryableStatuses"), `retryableStatuses lists at most ${ENDPOINT_LIMITS.retryableStatuses.max}.`),
      );
    } else if (bad !== -1) {
      errors.push(
        invalid(
          ["input", "retryableStatuses", String(bad)],
          `retryableStatuses must be HTTP statuses from ${min} to ${max} (2xx answers are successes).`,
        ),
      );
    } else next.retryableStatuses = [...new Set(statuses)].sort((a, b) => a - b);
  }

  const retryAll = nonNull("retryAllClientErrors");
  if (retryAll !== undefined) next.retryAllClientErrors = retryAll;

  const source = resolveSource(input, current, next, context, errors);
  resolveTypeSettings(input, next.sourceScheme, next, errors);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, settings: next, ...source };
}

function resolveSource(
  input: EndpointInput,
  current: CurrentEndpoint | null,
  next: EndpointSettings,
  context: SettingsContext,
  errors: UserError[],
): { sourceSecret: string | null | undefined; generatedSourceSecret: string | null } {
  const at = (name: string) => ["input", name];
  const unchanged = { sourceSecret: undefined, generatedSourceSecret: null };
  const before = errors.length;

  if (input.sourceScheme === null) errors.push(invalid(at("sourceScheme"), "sourceScheme cannot be null; use NONE."));
  else if (input.sourceScheme !== undefined) {
    const scheme = SCHEMES[input.sourceScheme];
    if (!scheme) errors.push(invalid(at("sourceScheme"), "sourceScheme is not a known scheme."));
    else next.sourceScheme = scheme;
  }
  const scheme = next.sourceScheme;
  const schemeChanged = current === null || current.settings.sourceScheme !== scheme;

  // The generic HMAC scheme's options: meaningless (so refused) elsewhere, forgotten when leaving it.
  if (scheme !== "hmac-sha256") {
    for (const key of ["sourceHeader", "sourceEncoding", "sourcePrefix"] as const) {
      if (input[key] != null) errors.push(invalid(at(key), `${key} only applies to the HMAC_SHA256 scheme.`));
    }
    next.sourceHeader = null;
    next.sourceEncoding = null;
    next.sourcePrefix = null;
  } else {
    if (input.sourceHeader !== undefined) {
      const header = input.sourceHeader;
      if (header !== null && (!HEADER_NAME.test(header) || header.length > ENDPOINT_LIMITS.sourceHeader.max)) {
        errors.push(invalid(at("sourceHeader"), "sourceHeader must be an HTTP header name of at most 100 characters."));
      } else next.sourceHeader = header === null ? null : header.toLowerCase();
    }
    if (input.sourceEncoding !== undefined) {
      const encoding = input.sourceEncoding;
      if (encoding !== null && encoding !== "hex" && encoding !== "base64") {
        errors.push(invalid(at("sourceEncoding"), 'sourceEncoding must be "hex" or "base64".'));
      } else next.sourceEncoding = encoding;
    }
    if (input.sourcePrefix !== undefined) {
      const prefix = input.sourcePrefix;
      if (prefix !== null && (!PRINTABLE.test(prefix) || prefix.length > ENDPOINT_LIMITS.sourcePrefix.max)) {
        errors.push(invalid(at("sourcePrefix"), "sourcePrefix must be at most 100 printable ASCII characters."));
      } else next.sourcePrefix = prefix === "" ? null : prefix;
    }
  }

  const secret = input.sourceSecret;
  if (scheme === "none") {
    // Choosing NONE (on create, or naming it on update) must be deliberate; an update that leaves an
    // existing NONE endpoint's scheme alone is not a new choice.
    const choosesNone = current === null || input.sourceScheme === "NONE";
    if (choosesNone && input.acknowledgeUnverifiedSource !== true) {
      errors.push(
        unverifiedSource(
          at("acknowledgeUnverifiedSource"),
          "sourceScheme NONE verifies nothing: anyone who knows the ingest URL can post events, and Kapsel signs and delivers them to your endpoint. Choose a scheme your source signs with, or set acknowledgeUnverifiedSource: true to accept this.",
        ),
      );
    }
    if (secret != null)
      errors.push(invalid(at("sourceSecret"), "The NONE scheme verifies nothing and takes no secret."));
    return errors.length > before
      ? unchanged
      : { sourceSecret: current?.hasSourceSecret ? null : undefined, generatedSourceSecret: null };
  }
  if (secret === null) {
    errors.push(invalid(at("sourceSecret"), "sourceSecret cannot be null; set sourceScheme NONE to stop verifying."));
    return unchanged;
  }
  if (secret !== undefined) {
    if (secret.length < ENDPOINT_LIMITS.sourceSecret.min || secret.length > ENDPOINT_LIMITS.sourceSecret.max) {
      errors.push(
        invalid(at("sourceSecret"), `sourceSecret must be 1 to ${ENDPOINT_LIMITS.sourceSecret.max} characters.`),
      );
      return unchanged;
    }
    if (errors.length === before) {
      const verdict = validateSourceVerification({
        scheme,
        secret,
        header: next.sourceHeader,
        encoding: next.sourceEncoding,
        prefix: next.sourcePrefix,
      });
      if (!verdict.ok) errors.push(invalid(at("sourceSecret"), `sourceSecret is not usable: ${verdict.problem}.`));
    }
    return { sourceSecret: secret, generatedSourceSecret: null };
  }
  // No secret given: keep the stored one while the scheme stays; a new scheme needs a new secret.
  if (!schemeChanged && current?.hasSourceSecret) return unchanged;
  if (!GENERATED_SOURCE_SCHEMES.includes(scheme)) {
    errors.push(
      invalid(
        at("sourceSecret"),
        `The ${toEnum(scheme)} scheme needs sourceSecret: the source issues it; copy it from the source's webhook settings.`,
      ),
    );
    return unchanged;
  }
  const generated = context.generateSecret();
  return { sourceSecret: generated, generatedSourceSecret: generated };
}
