/** Field selections shared by several operations (kept as strings: no GraphQL client library). */

export const STATS_FIELDS = `windowHours total succeeded retryableFailures permanentFailures successRate p50LatencyMs p95LatencyMs
  hourly { start total succeeded failed }`;

export const ENDPOINT_SETTINGS_FIELDS = `id name url status disabledReason sourceScheme sourceHeader sourceEncoding sourcePrefix
  sourceToleranceSeconds signingRotationEndsAt sourceRotationEndsAt maxAttempts backoffBaseMs backoffCapMs connectTimeoutMs
  responseTimeoutMs maxInFlight retryableStatuses retryAllClientErrors createdAt updatedAt`;

export const EVENT_STATE_FIELDS = `id status attemptCount nextAttemptAt lastError deliveredAt failedAt`;

export const DELIVERY_STATE_FIELDS = `id status attemptCount nextAttemptAt lastError deliveredAt failedAt`;

export const ATTEMPT_FIELDS = `id attemptNumber startedAt durationMs requestUrl responseStatus responseBody
  responseBodyEncoding responseBodyTruncated result errorClass errorMessage leafIndex`;

export const USER_ERROR_FIELDS = `userErrors { code message field }`;
