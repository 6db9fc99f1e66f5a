export { API_KEY_PREFIX, generateApiKey, hashApiKey, type NewApiKey } from "./api-keys.ts";
export {
  type AttemptDecision,
  type AttemptDecisionInput,
  decideAfterAttempt,
} from "./attempt-decision.ts";
export {
  attemptsExhausted,
  attemptsForSpan,
  type BackoffPolicy,
  type BackoffPolicyResult,
  backoffEnvelope,
  DEFAULT_BACKOFF_BASE_MS,
  DEFAULT_BACKOFF_CAP_MS,
  DEFAULT_BACKOFF_FLOOR_MS,
  DEFAULT_BACKOFF_POLICY,
  DEFAULT_MAX_ATTEMPTS,
  expectedSchedule,
  nextRetryDelay,
  parseRetryAfter,
  type RandomSource,
  type RetryDelay,
  type RetryDelayInput,
  resolveBackoffPolicy,
  type ScheduleRow,
} from "./backoff.ts";
export {
  type AdmitResult,
  admit,
  BREAKER_STATES,
  type BreakerPolicy,
  type BreakerPolicyResult,
  type BreakerState,
  type BreakerStateName,
  type BreakerTransition,
  type BreakerTransitionReason,
  type CallResult,
  DEFAULT_BREAKER_POLICY,
  initialBreakerState,
  nextProbeAt,
  type ParseBreakerStateResult,
  parseBreakerState,
  type RecordResult,
  record,
  resetBreaker,
  resolveBreakerPolicy,
} from "./circuit-breaker.ts";
export { type Clock, ManualClock, systemClock } from "./clock.ts";
export {
  type AttemptHealth,
  DEFAULT_AUTO_DISABLE_AFTER_MS,
  type DisableReason,
  describeDisableReason,
  type FailingSinceChange,
  failingSinceChanges,
  formatDuration,
  shouldAutoDisable,
} from "./endpoint-health.ts";
export { ERROR_CODES, type ErrorBody, type ErrorCode, errorBody } from "./error-codes.ts";
export {
  EVENT_STATUSES,
  EVENT_TRANSITIONS,
  type EventStatus,
  isEventStatus,
  isTerminalStatus,
  type LegalTransition,
  sourcesOf,
  TERMINAL_EVENT_STATUSES,
  type TransitionResult,
  transition,
} from "./event-lifecycle.ts";
export { type GroupCommitOptions, GroupCommitter, type SubmitResult } from "./group-commit.ts";
export { ID_PREFIXES, type IdKind, isId, newId } from "./ids.ts";
export {
  classifyOutcome,
  DEFAULT_RETRY_CLASSIFICATION_POLICY,
  DELIVERY_ERROR_CLASSES,
  type DeliveryErrorClass,
  type DeliveryOutcome,
  honoursRetryAfter,
  isDeliveryErrorClass,
  type OutcomeClass,
  RETRYABLE_CLIENT_STATUSES,
  type RetryClassificationPolicy,
} from "./retry-classification.ts";
export {
  bucketCapacity,
  fullBucket,
  msUntilToken,
  refill,
  retryAfterSeconds,
  type TokenBucketPolicy,
  type TokenBucketState,
  takeTokens,
} from "./token-bucket.ts";
