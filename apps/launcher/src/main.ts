import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { generateSignerKey } from "@kapsel/attestation";
import { formatConfigProblems, launcherConfigSchema, parseEnv } from "@kapsel/config";
import { createPool, createPrismaClient, type EmbeddedPostgres, migrate, startEmbeddedPostgres } from "@kapsel/db";
import { createLogger } from "@kapsel/logger";
import { banner } from "./banner.ts";
import { startChildApp } from "./child-app.ts";
import { DataDir } from "./data-dir.ts";
import { startDemoReceiver } from "./demo-receiver.ts";
import { ensureDatabase } from "./ensure-database.ts";
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
const logger = createLogger({ name: "kapsel", level: config.LOG_LEVEL });
const dataDir = new DataDir(config.KAPSEL_DATA_DIR);
await dataDir.ensure();

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
const seed = await seedDemo(prisma, dataDir, `http://127.0.0.1:${config.DEMO_RECEIVER_PORT}/webhook`);
const demoEndpointId = seed.outcome === "skipped" ? null : seed.demo.endpointId;
const receiver = await startDemoReceiver({
  host: "127.0.0.1",
  port: config.DEMO_RECEIVER_PORT,
  signingSecret: async () =>
    demoEndpointId
      ? ((await prisma.endpoint.findUnique({ where: { id: demoEndpointId } }))?.signingSecret ?? null)
      : null,
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
  startChildApp("worker", fileURLToPath(new URL("../../worker/src/main.ts", import.meta.url)), {
    ...process.env,
    DATABASE_URL: databaseUrl,
    INGEST_HOST: config.INGEST_HOST,
    INGEST_PORT: String(config.INGEST_PORT),
    MIGRATE_ON_START: "false",
    // The demo receiver runs on loopback, which the SSRF guard refuses unless allow-listed.
    DELIVERY_ALLOW_ADDRESSES: process.env.DELIVERY_ALLOW_ADDRESSES ?? "127.0.0.1/32",
    ATTEST_SIGNING_KEY_FILE: process.env.ATTEST_SIGNING_KEY_FILE ?? signingKeyFile,
  }),
  startChildApp("api", fileURLToPath(new URL("../../api/src/main.ts", import.meta.url)), {
    ...process.env,
    OPERATOR_API_KEY: process.env.OPERATOR_API_KEY ?? operatorKey,
    // Same SSRF allow-list as the worker, so endpoints for the local demo receiver can be created.
    DELIVERY_ALLOW_ADDRESSES: process.env.DELIVERY_ALLOW_ADDRESSES ?? "127.0.0.1/32",
    DATABASE_URL: databaseUrl,
    API_HOST: config.API_HOST,
    API_PORT: String(config.API_PORT),
  }),
];

let stopping = false;
async function stopAll(exitCode: number): Promise<never> {
  stopping = true;
  await Promise.all(apps.map((app) => app.stop(15_000)));
  await receiver.close();
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
  const [worker, api] = await Promise.all(apps.map((app) => app.ready));
  process.stdout.write(
    banner({
      ingestUrl: `http://${config.INGEST_HOST}:${String(worker?.ingestPort)}`,
      apiUrl: `http://${config.API_HOST}:${String(api?.apiPort)}`,
      receiverUrl: receiver.url,
      database: databaseLabel,
      operatorKeyFile: `${dataDir.root}/operator-api-key`,
      seed,
    }),
  );
} catch (error) {
  logger.fatal({ err: error }, "an app failed to start");
  if (!stopping) await stopAll(1);
}
