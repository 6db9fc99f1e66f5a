import { type ChildProcess, fork } from "node:child_process";
import type { Component, Run, RunExit } from "./supervisor.ts";

/** One run of an app child process; `ready` resolves with its "ready" message. */
export interface ChildApp extends Run<Record<string, unknown>> {
  readonly name: string;
}

/** Runs one of the apps as a TypeScript child process (via tsx) with its own environment. */
export function startChildApp(name: string, entry: string, env: NodeJS.ProcessEnv): ChildApp {
  const child: ChildProcess = fork(entry, [], {
    env,
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const exited = new Promise<RunExit>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const ready = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.on("message", (message) => {
      if (typeof message === "object" && message !== null && (message as { type?: unknown }).type === "ready") {
        resolve(message as Record<string, unknown>);
      }
    });
    void exited.then(({ code, signal }) =>
      reject(new Error(`${name} exited with ${signal ? `signal ${signal}` : `code ${code}`} before it was ready`)),
    );
  });
  ready.catch(() => undefined); // observed by the caller; avoid an unhandled rejection after exit
  return {
    name,
    pid: child.pid,
    ready,
    exited,
    stop: async (graceMs) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * The port settings of each app and the field of its ready message that reports the port bound
 * (apps/worker/src/main.ts, apps/api/src/main.ts).
 */
const PORT_SETTINGS: Readonly<Record<"worker" | "api", Readonly<Record<string, string>>>> = {
  worker: { INGEST_PORT: "ingestPort", METRICS_PORT: "metricsPort" },
  api: { API_PORT: "apiPort", METRICS_PORT: "metricsPort" },
};

/** An app under supervision: every run gets `env`; restarts keep the ports the first run bound. */
export function appComponent(
  name: "worker" | "api",
  entry: string,
  env: NodeJS.ProcessEnv,
): Component<Record<string, unknown>> {
  return { name, start: (first) => startChildApp(name, entry, pinFreePorts(env, first, PORT_SETTINGS[name])) };
}

/**
 * The app's environment for a restart: each port setting that was 0 (any free port) becomes the
 * port the first run reported in its ready message, so the URLs printed in the banner stay valid.
 * `ports` maps a setting to the ready message's field, e.g. `{ INGEST_PORT: "ingestPort" }`.
 */
export function pinFreePorts(
  env: NodeJS.ProcessEnv,
  first: Record<string, unknown> | null,
  ports: Readonly<Record<string, string>>,
): NodeJS.ProcessEnv {
  if (first === null) return env;
  const pinned: NodeJS.ProcessEnv = { ...env };
  for (const [setting, field] of Object.entries(ports)) {
    const reported = first[field];
    const configured = env[setting]?.trim();
    if (configured && Number(configured) === 0 && typeof reported === "number") pinned[setting] = String(reported);
  }
  return pinned;
}
