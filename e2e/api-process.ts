import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";

const API_ENTRY = fileURLToPath(new URL("../apps/api/src/main.ts", import.meta.url));

/** Runs the real API app (apps/api) as its own process on a free port. */
export async function startApiProcess(
  databaseUrl: string,
): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const child = fork(API_ENTRY, [], {
    env: { ...process.env, LOG_LEVEL: "error", DATABASE_URL: databaseUrl, API_PORT: "0" },
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.on("message", (m: { type?: string; apiPort?: number }) => {
      if (m.type === "ready" && m.apiPort) resolve(m.apiPort);
    });
    void exited.then(() => reject(new Error("API exited before it was ready")));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    stop: async () => {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
