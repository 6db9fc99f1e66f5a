export { DeliveryAdmin, type ResetBreakerResult } from "./admin-operations.ts";
export { type FinishedAttempt, toAttemptRecord } from "./attempt-record.ts";
export { admitThroughBreakers, recordWithBreakers } from "./breaker-gate.ts";
export {
  DEFAULT_ROTATION_NOTICE_LEAD_MS,
  type DeliveryStats,
  DeliveryWorker,
  type DeliveryWorkerOptions,
} from "./delivery-worker.ts";
export { outboundHeaders, signingSecrets, USER_AGENT } from "./outbound-headers.ts";
export { EVENTS_CHANNEL, WakeupListener } from "./wakeup-listener.ts";
