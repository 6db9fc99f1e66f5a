import { type ChildProcess, spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

export interface Launched {
  child: ChildProcess;
  output: () => string;
  /** Resolves with everything printed up to and including the banner's last line. */
  banner: Promise<string>;
  /** Resolves once npm has exited, whoever stopped it. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Ctrl-C as a terminal sends it: SIGINT to the whole process group. Resolves once npm has exited. */
  interrupt(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `npm start` exactly as the README says, in its own process group. */
export function launchNpmStart(env: Record<string, string>): Launched {
  const child = spawn("npm", ["start"], {
    cwd: REPO_ROOT,
    // Free ports for the private metrics listeners unless the test names them (the defaults would
    // collide with other runs on this machine).
    env: { ...process.env, LOG_LEVEL: "warn", WORKER_METRICS_PORT: "0", API_METRICS_PORT: "0", ...env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  child.stdout?.on("data", (chunk) => (text += chunk));
  child.stderr?.on("data", (chunk) => (text += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const banner = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 60 s:\n${text}`)), 60_000);
    const check = () => {
      if (text.includes("Press Ctrl-C to stop.")) {
        clearTimeout(timer);
        resolve(text);
      }
    };
    child.stdout?.on("data", check);
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code} before the banner:\n${text}`));
    });
  });
  banner.catch(() => undefined);
  return {
    child,
    output: () => text,
    banner,
    exited,
    interrupt: async () => {
      // npm re-raises the SIGINT it got, so once it has exited by signal its exitCode stays null.
      if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(-child.pid, "SIGINT");
      return exited;
    },
  };
}

/** Pulls one `label: value` out of the banner. */
export function bannerValue(banner: string, label: string): string {
  const match = new RegExp(`${label}:\\s+(\\S+)`).exec(banner);
  if (!match?.[1]) throw new Error(`banner has no "${label}":\n${banner}`);
  return match[1];
}

export function bannerCurl(banner: string): string {
  const line = banner.split("\n").find((l) => l.trim().startsWith("curl "));
  if (!line) throw new Error(`banner has no curl command:\n${banner}`);
  return line.trim();
}

/** The banner's ready-to-paste `POST /publish` command (the demo tenant's own event). */
export function bannerPublishCurl(banner: string): string {
  const line = banner.split("\n").find((l) => l.trim().startsWith("curl ") && l.includes("/publish'"));
  if (!line) throw new Error(`banner has no publish command:\n${banner}`);
  return line.trim();
}

/**
 * Processes whose command line mentions `needle` (e.g. a data folder), read from /proc rather than
 * through pgrep: a missing pgrep would make "nothing left running" pass without looking.
 */
export async function processesMentioning(needle: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const commandLine = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => ""); // may have exited
    const text = commandLine.split("\0").join(" ").trim();
    if (text.includes(needle)) found.push(`${entry} ${text}`);
  }
  return found;
}

/**
 * The pid of the app child whose command line mentions `entry` (e.g. "apps/worker/src/main.ts")
 * among this launch's processes (its process group: the embedded PostgreSQL runs in its own), or
 * null if none runs right now.
 */
export async function appPid(launched: Launched, entry: string): Promise<number | null> {
  const pids: number[] = [];
  for (const line of await processesMentioning(entry)) {
    const pid = Number(line.split(" ")[0]);
    // /proc/<pid>/stat: "pid (comm) state ppid pgrp …"; comm may hold spaces, so split after ")".
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    if (pgrp === launched.child.pid) pids.push(pid);
  }
  return pids.length === 1 ? pids[0]! : null;
}
