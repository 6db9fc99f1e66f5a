import { fileURLToPath } from "node:url";
import { TEST_SECRETS_PUBLIC_KEY } from "@kapsel/test-support";
import { readyPort, startChild } from "./child-process.ts";
import type { Cleanup } from "./cleanup.ts";

const ENTRY = fileURLToPath(new URL("./api-entry.ts", import.meta.url));

export interface ApiServer {
  pid: number;
  url: string;
  stop(): Promise<void>;
}

/**
 * Forks the real API app through tsx (as e2e/api-process.ts does) in its own process, so it does
 * not share an event loop with autocannon, and waits for its `{ type: "ready", apiPort }` message.
 * Other API settings (DATABASE_POOL_SIZE, GRAPHQL_*) pass through from the environment; `env` adds
 * or overrides some (API_DATABASE_ROLE).
 */
export async function startApiServer(
  cleanup: Cleanup,
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<ApiServer> {
  const child = await startChild("API", ENTRY, {
    KAPSEL_SECRETS_PUBLIC_KEY: TEST_SECRETS_PUBLIC_KEY,
    ...process.env,
    ...env,
    DATABASE_URL: databaseUrl,
    API_HOST: "127.0.0.1",
    API_PORT: "0",
    METRICS_PORT: "0", // the private metrics listener: any free port
    LOG_LEVEL: "warn",
  });
  const stop = () => child.stop(10_000);
  cleanup.defer("stop API process", stop);
  const port = await readyPort(child, "apiPort");
  return { pid: child.pid, url: `http://127.0.0.1:${port}`, stop };
}
