import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
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
 * Other API settings (DATABASE_POOL_SIZE, GRAPHQL_*) pass through from the environment.
 */
export async function startApiServer(cleanup: Cleanup, databaseUrl: string): Promise<ApiServer> {
  const child = fork(ENTRY, [], {
    env: { ...process.env, DATABASE_URL: databaseUrl, API_HOST: "127.0.0.1", API_PORT: "0", LOG_LEVEL: "warn" },
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  cleanup.defer("stop API process", stop);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("API was not ready within 60 s")), 60_000);
    child.on("message", (m: { type?: unknown; apiPort?: unknown }) => {
      if (m?.type === "ready" && typeof m.apiPort === "number") {
        clearTimeout(timer);
        resolve(m.apiPort);
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error("API exited before it was ready"));
    });
  });
  if (child.pid === undefined) throw new Error("API process has no pid");
  return { pid: child.pid, url: `http://127.0.0.1:${port}`, stop };
}
