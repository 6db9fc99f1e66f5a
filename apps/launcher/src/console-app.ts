import { type ChildProcess, spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { parseSignerKey } from "@kapsel/attestation";
import type { LauncherConfig } from "@kapsel/config";
import type { ChildApp } from "./child-app.ts";
import { childEnv } from "./child-env.ts";
import { CONSOLE_DIR, type ConsoleBuildResult, ensureConsoleBuild, nextBin } from "./console-build.ts";
import type { Component, RunExit, Supervised } from "./supervisor.ts";

export interface ConsoleAppOptions {
  /** The build to wait for (started early, so it overlaps the database start). */
  build: Promise<ConsoleBuildResult>;
  /** The API's base URL, once the API is up. */
  apiUrl: Promise<string>;
  /** Comma-separated verifier keys the browser checks checkpoints against. */
  verifierKeys: Promise<string>;
  host: string;
  /** 0 = any free port. */
  port: number;
  env: NodeJS.ProcessEnv;
  print: (line: string) => void;
  consoleDir?: string;
  readyTimeoutMs?: number;
}

/**
 * The console as `npm start` runs it: built if needed, pointed at this launcher's API (or at
 * KAPSEL_API_URL when the API runs elsewhere), with the log's verifier key pinned. A restart reuses
 * the build, and the port the first run listened on.
 */
export function launchConsole(
  api: Supervised<Record<string, unknown>> | undefined,
  config: LauncherConfig,
  signingKeyFile: string,
): Component<Record<string, unknown>> {
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const apiUrl = api
    ? api.firstReady.then((ready) => `http://${config.API_HOST}:${String(ready.apiPort)}`)
    : process.env.KAPSEL_API_URL
      ? Promise.resolve(process.env.KAPSEL_API_URL)
      : Promise.reject(new Error("the console needs the api role or KAPSEL_API_URL"));
  const build = ensureConsoleBuild({ print });
  const verifierKeys = consoleVerifierKeys(process.env, signingKeyFile);
  // Shared by every run; a failure is reported through the first run's `ready`.
  for (const promise of [apiUrl, build, verifierKeys]) promise.catch(() => undefined);
  return {
    name: "console",
    start: (first) =>
      startConsoleApp({
        build,
        apiUrl,
        verifierKeys,
        host: config.CONSOLE_HOST,
        port: typeof first?.consolePort === "number" ? first.consolePort : config.CONSOLE_PORT,
        // Next.js' own settings only: the console reads its API URL and verifier keys from what
        // startConsoleApp sets, and needs none of the launcher's secrets.
        env: childEnv(
          process.env,
          Object.keys(process.env).filter((name) => name.startsWith("NEXT_")),
          {},
        ),
        print,
      }),
  };
}

/**
 * Runs the console (`next start` in apps/console) as a child process once its build and the API
 * are ready. `ready` resolves with `{ consoleUrl, consolePort }` when `GET /healthz` answers 200. Unlike the
 * tsx apps (child-app.ts) it has no IPC channel: readiness is observed over HTTP.
 */
export function startConsoleApp(options: ConsoleAppOptions): ChildApp {
  const consoleDir = options.consoleDir ?? CONSOLE_DIR;
  let child: ChildProcess | null = null;
  let cancelled = false;
  let markExited: (exit: RunExit) => void = () => undefined;
  const exited = new Promise<RunExit>((resolve) => (markExited = resolve));

  const ready = (async () => {
    const [build, apiUrl, verifierKeys] = await Promise.all([options.build, options.apiUrl, options.verifierKeys]);
    if (build.outcome === "failed") {
      options.print(build.output);
      throw new Error(`the console's build failed (next build exited with ${build.exitCode})`);
    }
    if (cancelled) throw new Error("console start cancelled");
    const port = options.port === 0 ? await freePort(options.host) : options.port;
    const started = spawn(
      process.execPath,
      [nextBin(consoleDir), "start", "--port", String(port), "--hostname", options.host],
      {
        cwd: consoleDir,
        env: {
          ...options.env,
          NEXT_TELEMETRY_DISABLED: "1",
          NODE_ENV: "production",
          PORT: String(port),
          HOSTNAME: options.host,
          KAPSEL_API_URL: apiUrl,
          CONSOLE_LOG_VERIFIER_KEYS: verifierKeys,
        },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    child = started;
    started.once("exit", (code, signal) => markExited({ code, signal }));
    // next start announces itself; the launcher's banner says it instead. Later lines pass through.
    let startup = "";
    let isReady = false;
    started.stdout?.on("data", (chunk: Buffer) => {
      if (isReady) process.stdout.write(chunk);
      else startup += chunk.toString();
    });
    const consoleUrl = `http://${options.host}:${port}`;
    await waitForHealth(`${consoleUrl}/healthz`, exited, options.readyTimeoutMs ?? 60_000).catch((error: Error) => {
      options.print(startup);
      throw error;
    });
    isReady = true;
    return { type: "ready", consoleUrl, consolePort: port };
  })();
  // A failed start counts as an exit (the launcher then stops everything, or restarts a console
  // that had been up).
  ready.catch((error: unknown) => {
    const running = child as ChildProcess | null;
    if (running && running.exitCode === null && running.signalCode === null) running.kill("SIGTERM");
    else if (!running) markExited({ code: null, signal: null, error: String(error) });
  });

  return {
    name: "console",
    get pid() {
      return child?.pid;
    },
    ready,
    exited,
    stop: async (graceMs) => {
      cancelled = true;
      const running = child;
      if (!running) return;
      if (running.exitCode !== null || running.signalCode !== null) return;
      running.kill("SIGTERM");
      const timer = setTimeout(() => running.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitForHealth(url: string, exited: Promise<RunExit>, timeoutMs: number): Promise<void> {
  let gone: number | null | undefined;
  void exited.then(({ code }) => (gone = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`the console exited with code ${gone} before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the console did not answer ${url} within ${timeoutMs} ms`);
}

/**
 * The verifier key of the log the worker signs with (same precedence as the worker:
 * ATTEST_SIGNING_KEY, then the key file), unless CONSOLE_LOG_VERIFIER_KEYS pins keys explicitly.
 */
export async function consoleVerifierKeys(env: NodeJS.ProcessEnv, signingKeyFile: string): Promise<string> {
  if (env.CONSOLE_LOG_VERIFIER_KEYS) return env.CONSOLE_LOG_VERIFIER_KEYS;
  const text = env.ATTEST_SIGNING_KEY ?? (await readFile(env.ATTEST_SIGNING_KEY_FILE ?? signingKeyFile, "utf8"));
  const parsed = parseSignerKey(text.trim());
  if (!parsed.ok) throw new Error(`cannot derive the log's verifier key: ${parsed.reason}`);
  return parsed.verifierKey;
}

/** A port that was free a moment ago on `host`, picked by the OS (`next start` cannot report one it picked). */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
