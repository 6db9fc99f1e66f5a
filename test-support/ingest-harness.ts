import { ManualClock } from "@kapsel/core";
import type { Pool } from "@kapsel/db";
import { createIngestServer, type IngestServer, type IngestServerOptions } from "@kapsel/ingest";
import { silentLogger } from "@kapsel/logger";
import { testSecrets } from "./secrets.ts";

export interface IngestHarness {
  url: string;
  clock: ManualClock;
  server: IngestServer;
  close(): Promise<void>;
}

/** A real ingest HTTP server on a free loopback port, with a clock the test controls. */
export async function startIngest(pool: Pool, overrides: Partial<IngestServerOptions> = {}): Promise<IngestHarness> {
  const clock = new ManualClock(Date.now());
  const server = createIngestServer({
    pool,
    logger: silentLogger(),
    clock,
    maxBodyBytes: 10 * 1024 * 1024,
    maxBatch: 500,
    maxConcurrentCommits: 4,
    maxQueued: 20_000,
    maxQueuedBytes: 256 * 1024 * 1024,
    endpointCacheMs: 0,
    secrets: testSecrets,
    ...overrides,
  });
  const address = await server.listen(0, "127.0.0.1");
  return { url: `http://127.0.0.1:${address.port}`, clock, server, close: () => server.close() };
}
