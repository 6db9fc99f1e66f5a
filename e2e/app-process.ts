import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { TEST_SECRETS_KEY, TEST_SECRETS_PUBLIC_KEY } from "@kapsel/test-support";

export interface AppProcess {
  child: ChildProcess;
  /** The app's `{ type: "ready", ... }` message. */
  ready: Record<string, unknown>;
  /** Log lines (JSON, on stdout) at level error or above, so far: a fuzzed process must log none. */
  errorLogs: string[];
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
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  // Logs still reach the test's output; error lines are kept as well.
  const errorLogs: string[] = [];
  let partial = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    process.stdout.write(chunk);
    const lines = (partial + chunk.toString("utf8")).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) if (logLevel(line) >= 50) errorLogs.push(line);
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
    errorLogs,
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

/** pino's numeric level of a JSON log line; 0 for anything else. */
function logLevel(line: string): number {
  try {
    return Number((JSON.parse(line) as { level?: unknown }).level) || 0;
  } catch {
    return 0;
  }
}
