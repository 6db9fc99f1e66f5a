import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { generateSignerKey } from "@kapsel/attestation";
import {
  apiConfigSchema,
  formatConfigProblems,
  launcherConfigSchema,
  parseEnv,
  WORKER_ROLES,
  workerConfigSchema,
} from "@kapsel/config";
import { createPool, createPrismaClient, type EmbeddedPostgres, migrate } from "@kapsel/db";
import { createLogger } from "@kapsel/logger";
import { banner } from "./banner.ts";
import { appComponent } from "./child-app.ts";
import { childEnv } from "./child-env.ts";
import { launchConsole } from "./console-app.ts";
import { DataDir } from "./data-dir.ts";
import { deliveryAllowList } from "./delivery-allow-list.ts";
import { startDemoReceiver } from "./demo-receiver.ts";
import { ensureDatabase } from "./ensure-database.ts";
import { embeddedPostgresComponent } from "./postgres-component.ts";
import { rolesBanner } from "./roles-banner.ts";
import { launcherSecrets } from "./secrets-key.ts";
import { seedDemo } from "./seed-demo.ts";
import { type Supervised, Supervisor, supervisionLogLine } from "./supervisor.ts";

// `npm start`: the whole platform on one machine. Starts an embedded PostgreSQL unless
// DATABASE_URL is set, migrates, seeds demo data once, runs the apps as child processes, restarts
// any of them (and the embedded PostgreSQL) that exits unexpectedly, and on Ctrl-C stops the apps
// first (they drain) and the database last.

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

// What runs, for stopAll: the apps, what the launcher itself holds open (closed after the apps,
// last opened first), then the database.
const apps: Supervised<Record<string, unknown>>[] = [];
const closers: (() => Promise<unknown>)[] = [];
let postgres: Supervised<EmbeddedPostgres> | null = null;
let stopping = false;
// Restarts what exits unexpectedly, with backoff; a crash loop stops everything (supervisor.ts).
const supervisor = new Supervisor({
  report: (event) => {
    const line = supervisionLogLine(event);
    logger[line.level]({ supervision: event }, line.message);
  },
  onGiveUp: () => void stopAll(1),
});

let databaseUrl = config.DATABASE_URL;
let databaseLabel = "DATABASE_URL (external PostgreSQL)";
if (!databaseUrl) {
  logger.info({ dataDir: dataDir.postgresDir }, "starting embedded PostgreSQL");
  postgres = supervisor.add(
    embeddedPostgresComponent({
      dataDir: dataDir.postgresDir,
      port: config.KAPSEL_POSTGRES_PORT,
      password: await dataDir.secret("postgres-password"),
    }),
  );
  const server = await postgres.firstReady;
  databaseUrl = await ensureDatabase(server, "kapsel");
  databaseLabel = `embedded PostgreSQL on 127.0.0.1:${server.port}, data in ${dataDir.postgresDir}`;
}

const pool = createPool({ connectionString: databaseUrl, max: 2 });
const migrated = await migrate(pool);
await pool.end();
if (migrated.outcome !== "migrated") {
  logger.fatal(migrated.message);
  supervisor.stop();
  await postgres?.stop(15_000);
  process.exit(3);
}

const prisma = createPrismaClient(databaseUrl);
closers.push(() => prisma.$disconnect());
// The demo (tenant, endpoint, receiver) is for the one-command start only, not for a partial layout.
// The receiver is bound first: its port goes into the demo endpoint's URL and is the one address
// the SSRF allow-list opens by default (delivery-allow-list.ts).
let demoEndpointId: string | null = null;
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
if (receiver) closers.push(() => receiver.close());
const seed = receiver
  ? await seedDemo(prisma, dataDir, receiver.url, secrets.keyring)
  : ({ outcome: "skipped", reason: "not every role runs" } as const);
demoEndpointId = seed.outcome === "skipped" ? null : seed.demo.endpointId;
// Given to the worker (which enforces it) and the API (which checks endpoint URLs against it).
const allowAddresses = deliveryAllowList(process.env, receiver?.port ?? null);

// The log's signing key: created on first start, kept in the data folder (0600).
const signingKeyFile = await dataDir.secretFile(
  "log-signing-key",
  () => generateSignerKey(config.ATTEST_LOG_ORIGIN).signerKey,
);

// Manages tenants over GraphQL; created on first start, kept in the data folder (0600).
const operatorKey = await dataDir.secret("operator-api-key", () => `kap_op_${randomBytes(24).toString("base64url")}`);

// A restarted app gets the same environment; ports that were 0 become those its first run bound.
const components = [
  workerRoles.length === 0
    ? null
    : appComponent(
        "worker",
        fileURLToPath(new URL("../../worker/src/main.ts", import.meta.url)),
        childEnv(process.env, Object.keys(workerConfigSchema.shape), {
          DATABASE_URL: databaseUrl,
          INGEST_HOST: config.INGEST_HOST,
          INGEST_PORT: String(config.INGEST_PORT),
          METRICS_HOST: config.METRICS_HOST,
          METRICS_PORT: String(config.WORKER_METRICS_PORT),
          MIGRATE_ON_START: "false",
          // The demo receiver runs on loopback, which the SSRF guard refuses unless allow-listed.
          DELIVERY_ALLOW_ADDRESSES: allowAddresses,
          ATTEST_SIGNING_KEY_FILE: process.env.ATTEST_SIGNING_KEY_FILE ?? signingKeyFile,
          KAPSEL_ROLES: workerRoles.join(","),
          ...secrets.workerEnv,
        }),
      ),
  !roles.api
    ? null
    : appComponent(
        "api",
        fileURLToPath(new URL("../../api/src/main.ts", import.meta.url)),
        childEnv(process.env, Object.keys(apiConfigSchema.shape), {
          OPERATOR_API_KEY: process.env.OPERATOR_API_KEY ?? operatorKey,
          // Same SSRF allow-list as the worker, so endpoints for the local demo receiver can be created.
          DELIVERY_ALLOW_ADDRESSES: allowAddresses,
          DATABASE_URL: databaseUrl,
          API_HOST: config.API_HOST,
          API_PORT: String(config.API_PORT),
          METRICS_HOST: config.METRICS_HOST,
          METRICS_PORT: String(config.API_METRICS_PORT),
          ...secrets.apiEnv,
        }),
      ),
].filter((app) => app !== null);
for (const component of components) apps.push(supervisor.add(component));
// The console (next start): built first if its sources changed, started once the API is up.
if (roles.console) {
  const apiApp = apps.find((app) => app.name === "api");
  apps.push(supervisor.add(launchConsole(apiApp, config, signingKeyFile)));
}

/** Apps first (they drain), the database last; nothing is restarted from the first moment on. */
async function stopAll(exitCode: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  supervisor.stop();
  await Promise.all(apps.map((app) => app.stop(15_000)));
  for (const close of closers.reverse()) await close();
  await postgres?.stop(15_000);
  process.stdout.write("Kapsel stopped.\n");
  process.exit(exitCode);
}
// The terminal's Ctrl-C reaches the children too; they drain on their own, we wait for them.
process.on("SIGINT", () => void stopAll(0));
process.on("SIGTERM", () => void stopAll(0));

try {
  const ready = new Map(await Promise.all(apps.map(async (app) => [app.name, await app.firstReady] as const)));
  const worker = ready.get("worker");
  const api = ready.get("api");
  const url = (host: string, port: unknown) => (port == null ? null : `http://${host}:${String(port)}`);
  if (!roles.all || !receiver) {
    process.stdout.write(
      rolesBanner({
        roles,
        ingestUrl: url(config.INGEST_HOST, worker?.ingestPort),
        workerMetricsUrl: url(config.METRICS_HOST, worker?.metricsPort),
        apiUrl: url(config.API_HOST, api?.apiPort),
        apiMetricsUrl: url(config.METRICS_HOST, api?.metricsPort),
        metricsToken: config.METRICS_TOKEN !== undefined,
        consoleUrl: ready.get("console")?.consoleUrl as string | undefined,
        database: databaseLabel,
      }),
    );
  } else {
    process.stdout.write(
      banner({
        ingestUrl: `http://${config.INGEST_HOST}:${String(worker?.ingestPort)}`,
        apiUrl: `http://${config.API_HOST}:${String(api?.apiPort)}`,
        workerMetricsUrl: `http://${config.METRICS_HOST}:${String(worker?.metricsPort)}`,
        apiMetricsUrl: `http://${config.METRICS_HOST}:${String(api?.metricsPort)}`,
        metricsToken: config.METRICS_TOKEN !== undefined,
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
  await stopAll(1);
}
