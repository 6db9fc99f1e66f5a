export { type EndpointFixture, type EndpointOptions, insertEndpoint, insertTenant } from "./fixtures.ts";
export { freePort } from "./free-port.ts";
export { errorCode, type IngestAnswer } from "./http.ts";
export { type IngestHarness, startIngest } from "./ingest-harness.ts";
export { createTestDatabase, type TestDatabase } from "./test-database.ts";
