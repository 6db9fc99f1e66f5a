import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { TEST_SECRETS_KEY, TEST_SECRETS_PUBLIC_KEY } from "@kapsel/test-support";

export interface AppProcess {
  child: ChildProcess;
  /** The app's `{ type: "ready", ... }` message. */
  ready: Record<string, unknown>;
  /** SIGKILL: a crash, no cleanup of any kind. */
  crash(): Promise<void>;
  /** SIGTERM: graceful stop; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs one of the real apps (`apps/<name>/src/main.ts`) as its own process, as an operator would.
 * `ready.metricsPort` is its private metrics listener.
 */
export async function startAppProcess(app: "worker" | "api", env: Record<string, string>): Promise<AppProcess> {
  const entry = fileURLToPath(new URL(`../apps/${app}/src/main.ts`, import.meta.url));
  const child = fork(entry, [], {
    // A free port for the private metrics listener unless the test names one: many processes (and
    // other test runs) share this machine, and the default 9464/9465 would collide. The test master
    // key, as an operator would split it: the worker opens, the API only seals.
    env: {
      ...process.env,
      LOG_LEVEL: "error",
      METRICS_PORT: "0",
      ...(app === "worker"
        ? { KAPSEL_SECRETS_KEY: TEST_SECRETS_KEY }
        : { KAPSEL_SECRETS_PUBLIC_KEY: TEST_SECRETS_PUBLIC_KEY }),
      ...env,
    },
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const ready = await new Promise<Record<string, unknown>>((resolve, reject) => {
    child.on("message", (m: Record<string, unknown>) => {
      if (m.type === "ready") resolve(m);
    });
    void exited.then((code) => reject(new Error(`${app} exited with ${code} before it was ready`)));
  });
  return {
    child,
    ready,
    crash: async () => {
      child.kill("SIGKILL");
      await exited;
    },
    stop: async () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
