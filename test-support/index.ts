export { type DeliveryHarness, startDelivery } from "./delivery-harness.ts";
export {
  countEvents,
  type EndpointFixture,
  type EndpointOptions,
  insertEndpoint,
  insertEvents,
  insertTenant,
  TEST_SIGNING_SECRET,
} from "./fixtures.ts";
export { freePort } from "./free-port.ts";
export { errorCode, type IngestAnswer } from "./http.ts";
export { type IngestHarness, startIngest } from "./ingest-harness.ts";
export { type ReceivedRequest, type Receiver, type ReceiverHandler, startReceiver } from "./receiver.ts";
export { createTestDatabase, type TestDatabase } from "./test-database.ts";
export { waitFor } from "./wait-for.ts";
