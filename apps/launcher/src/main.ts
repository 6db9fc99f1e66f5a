import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { generateSignerKey } from "@kapsel/attestation";
import { formatConfigProblems, launcherConfigSchema, parseEnv, WORKER_ROLES } from "@kapsel/config";
import { createPool, createPrismaClient, type EmbeddedPostgres, migrate, startEmbeddedPostgres } from "@kapsel/db";
import { createLogger } from "@kapsel/logger";
import { banner } from "./banner.ts";
import { startChildApp } from "./child-app.ts";
import { launchConsole } from "./console-app.ts";
import { DataDir } from "./data-dir.ts";
import { startDemoReceiver } from "./demo-receiver.ts";
import { ensureDatabase } from "./ensure-database.ts";
import { rolesBanner } from "./roles-banner.ts";
import { launcherSecrets } from "./secrets-key.ts";
import { seedDemo } from "./seed-demo.ts";

// `npm start`: the whole platform on one machine. Starts an embedded PostgreSQL unless
// DATABASE_URL is set, migrates, seeds demo data once, runs the apps as child processes, and on
// Ctrl-C stops the apps first (they drain) and the database last.

const parsed = parseEnv(launcherConfigSchema, process.env);
if (!parsed.ok) {
  console.error(formatConfigProblems(parsed.problems));
  process.exit(2);
}
const config = parsed.config;
// KAPSEL_ROLES picks the apps: the worker runs ingest/deliver/attest, then the API and the console.
const roles = config.KAPSEL_ROLES;
const workerRoles = WORKER_ROLES.filter((role) => roles[role]);
const logger = createLogger({ name: "kapsel", level: config.LOG_LEVEL });
const dataDir = new DataDir(config.KAPSEL_DATA_DIR);
await dataDir.ensure();
// Endpoint secrets are sealed at rest: the worker gets the private key, the API the public one.
const secrets = await launcherSecrets(dataDir, process.env);

let postgres: EmbeddedPostgres | null = null;
let databaseUrl = config.DATABASE_URL;
let databaseLabel = "DATABASE_URL (external PostgreSQL)";
if (!databaseUrl) {
  logger.info({ dataDir: dataDir.postgresDir }, "starting embedded PostgreSQL");
  postgres = await startEmbeddedPostgres({
    dataDir: dataDir.postgresDir,
    port: config.KAPSEL_POSTGRES_PORT,
    password: await dataDir.secret("postgres-password"),
  });
  databaseUrl = await ensureDatabase(postgres, "kapsel");
  databaseLabel = `embedded PostgreSQL on 127.0.0.1:${postgres.port}, data in ${dataDir.postgresDir}`;
}

const pool = createPool({ connectionString: databaseUrl, max: 2 });
const migrated = await migrate(pool);
await pool.end();
if (migrated.outcome !== "migrated") {
  logger.fatal(migrated.message);
  await postgres?.stop();
  process.exit(3);
}

const prisma = createPrismaClient(databaseUrl);
// The demo (tenant, endpoint, receiver) is for the one-command start only, not for a partial layout.
const seed = roles.all
  ? await seedDemo(prisma, dataDir, `http://127.0.0.1:${config.DEMO_RECEIVER_PORT}/webhook`, secrets.keyring)
  : ({ outcome: "skipped", reason: "not every role runs" } as const);
const demoEndpointId = seed.outcome === "skipped" ? null : seed.demo.endpointId;
const receiver = !roles.all
  ? null
  : await startDemoReceiver({
      host: "127.0.0.1",
      port: config.DEMO_RECEIVER_PORT,
      // Stored sealed: the launcher holds the key, so it opens it (null, i.e. "rejected", if it cannot).
      signingSecret: async () => {
        const sealed = demoEndpointId
          ? (await prisma.endpoint.findUnique({ where: { id: demoEndpointId }, select: { signingSecret: true } }))
              ?.signingSecret
          : undefined;
        try {
          return sealed ? secrets.keyring.open(sealed) : null;
        } catch {
          return null;
        }
      },
      print: (line) => process.stdout.write(`${line}\n`),
    });

// The log's signing key: created on first start, kept in the data folder (0600).
const signingKeyFile = await dataDir.secretFile(
  "log-signing-key",
  () => generateSignerKey(config.ATTEST_LOG_ORIGIN).signerKey,
);

// Manages tenants over GraphQL; created on first start, kept in the data folder (0600).
const operatorKey = await dataDir.secret("operator-api-key", () => `kap_op_${randomBytes(24).toString("base64url")}`);

const apps = [
  workerRoles.length === 0
    ? null
    : startChildApp("worker", fileURLToPath(new URL("../../worker/src/main.ts", import.meta.url)), {
        ...process.env,
        DATABASE_URL: databaseUrl,
        INGEST_HOST: config.INGEST_HOST,
        INGEST_PORT: String(config.INGEST_PORT),
        MIGRATE_ON_START: "false",
        // The demo receiver runs on loopback, which the SSRF guard refuses unless allow-listed.
        DELIVERY_ALLOW_ADDRESSES: process.env.DELIVERY_ALLOW_ADDRESSES ?? "127.0.0.1/32",
        ATTEST_SIGNING_KEY_FILE: process.env.ATTEST_SIGNING_KEY_FILE ?? signingKeyFile,
        KAPSEL_ROLES: workerRoles.join(","),
        ...secrets.workerEnv,
      }),
  !roles.api
    ? null
    : startChildApp("api", fileURLToPath(new URL("../../api/src/main.ts", import.meta.url)), {
        ...process.env,
        OPERATOR_API_KEY: process.env.OPERATOR_API_KEY ?? operatorKey,
        // Same SSRF allow-list as the worker, so endpoints for the local demo receiver can be created.
        DELIVERY_ALLOW_ADDRESSES: process.env.DELIVERY_ALLOW_ADDRESSES ?? "127.0.0.1/32",
        DATABASE_URL: databaseUrl,
        API_HOST: config.API_HOST,
        API_PORT: String(config.API_PORT),
        ...secrets.apiEnv,
      }),
].filter((app) => app !== null);
// The console (next start): built first if its sources changed, started once the API is up.
if (roles.console) apps.push(launchConsole(apps, config, signingKeyFile));

let stopping = false;
async function stopAll(exitCode: number): Promise<never> {
  stopping = true;
  await Promise.all(apps.map((app) => app.stop(15_000)));
  await receiver?.close();
  await prisma.$disconnect();
  await postgres?.stop();
  process.stdout.write("Kapsel stopped.\n");
  process.exit(exitCode);
}
// The terminal's Ctrl-C reaches the children too; they drain on their own, we wait for them.
process.on("SIGINT", () => void (stopping || stopAll(0)));
process.on("SIGTERM", () => void (stopping || stopAll(0)));
for (const app of apps) {
  void app.exited.then((code) => {
    if (stopping) return;
    logger.error({ app: app.name, code }, "an app exited unexpectedly; stopping");
    void stopAll(1);
  });
}

try {
  const ready = new Map(await Promise.all(apps.map(async (app) => [app.name, await app.ready] as const)));
  const worker = ready.get("worker");
  const api = ready.get("api");
  const url = (host: string, port: unknown) => (port == null ? null : `http://${host}:${String(port)}`);
  if (!roles.all || !receiver) {
    process.stdout.write(
      rolesBanner({
        roles,
        ingestUrl: url(config.INGEST_HOST, worker?.ingestPort),
        workerMetricsUrl:
          worker?.ingestPort == null ? url(process.env.METRICS_HOST ?? "127.0.0.1", worker?.metricsPort) : null,
        apiUrl: url(config.API_HOST, api?.apiPort),
        consoleUrl: ready.get("console")?.consoleUrl as string | undefined,
        database: databaseLabel,
      }),
    );
  } else {
    process.stdout.write(
      banner({
        ingestUrl: `http://${config.INGEST_HOST}:${String(worker?.ingestPort)}`,
        apiUrl: `http://${config.API_HOST}:${String(api?.apiPort)}`,
        consoleUrl: ready.get("console")?.consoleUrl as string | undefined,
        receiverUrl: receiver.url,
        database: databaseLabel,
        operatorKeyFile: `${dataDir.root}/operator-api-key`,
        seed,
      }),
    );
  }
} catch (error) {
  logger.fatal({ err: error }, "an app failed to start");
  if (!stopping) await stopAll(1);
}
