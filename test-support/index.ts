export { type CapturedLogs, capturingLogger } from "./capturing-logger.ts";
export { type DeliveryHarness, startDelivery } from "./delivery-harness.ts";
export {
  countEvents,
  type DeliveryState,
  deliveryState,
  deliveryStates,
  type EndpointFixture,
  type EndpointOptions,
  insertEndpoint,
  insertEvents,
  insertTenant,
  sourceIdOf,
  subscriptionIdOf,
  TEST_SIGNING_SECRET,
} from "./fixtures.ts";
export { freePort } from "./free-port.ts";
export { errorCode, type IngestAnswer } from "./http.ts";
export { type IngestHarness, startIngest } from "./ingest-harness.ts";
export { notifyAttemptAgain, notifyBreakerChanged } from "./live-notify.ts";
export { findPlaintextSecrets, PLAINTEXT_SECRET_PATTERN } from "./plaintext-secrets.ts";
export { type ReceivedRequest, type Receiver, type ReceiverHandler, startReceiver } from "./receiver.ts";
export { TEST_SECRETS_KEY, TEST_SECRETS_PUBLIC_KEY, testSecrets } from "./secrets.ts";
export { createTestDatabase, createTestDatabaseBefore, migrateThrough, type TestDatabase } from "./test-database.ts";
export { waitFor } from "./wait-for.ts";
