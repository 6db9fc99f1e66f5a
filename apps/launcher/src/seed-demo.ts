import { generateApiKey, newId } from "@kapsel/core";
import type { PrismaClient } from "@kapsel/db";
import type { SecretSealer } from "@kapsel/secrets";
import { generateWebhookSecret } from "@kapsel/webhook-signatures";
import type { DataDir } from "./data-dir.ts";

export interface DemoSeed {
  tenantId: string;
  endpointId: string;
  /** Shown at every start of this data folder; the database only has its hash. */
  apiKey: string;
  /** The demo endpoint verifies GitHub-style signatures with this secret. */
  sourceSecret: string;
}

const DEMO_FILE = "demo.json";

export type SeedResult = { outcome: "seeded" | "existing"; demo: DemoSeed } | { outcome: "skipped"; reason: string };

/**
 * Creates the demo tenant, API key and endpoint on the first start against an empty database, and
 * remembers the plaintext key in the data folder (0600) so later starts can print it again.
 */
export async function seedDemo(
  prisma: PrismaClient,
  dataDir: DataDir,
  receiverUrl: string,
  sealer: SecretSealer,
): Promise<SeedResult> {
  const saved = await dataDir.readJson<DemoSeed>(DEMO_FILE);
  if (saved && (await prisma.endpoint.findUnique({ where: { id: saved.endpointId }, select: { id: true } }))) {
    await ensureDemoSubscriptions(prisma, saved); // data folders from before subscriptions existed
    return { outcome: "existing", demo: saved };
  }
  if ((await prisma.tenant.count()) > 0) {
    return { outcome: "skipped", reason: "the database already has tenants, so no demo data was created" };
  }
  const now = Date.now();
  const key = generateApiKey();
  const demo: DemoSeed = {
    tenantId: newId("tenant", now),
    endpointId: newId("endpoint", now),
    apiKey: key.key,
    sourceSecret: generateWebhookSecret().slice("whsec_".length),
  };
  await prisma.$transaction([
    prisma.tenant.create({ data: { id: demo.tenantId, name: "Demo" } }),
    prisma.apiKey.create({
      data: {
        id: newId("apiKey", now),
        tenantId: demo.tenantId,
        name: "demo",
        prefix: key.prefix,
        keyHash: new Uint8Array(key.hash),
      },
    }),
    prisma.endpoint.create({
      data: {
        id: demo.endpointId,
        tenantId: demo.tenantId,
        name: "Demo receiver",
        url: receiverUrl,
        signingSecret: sealer.seal(generateWebhookSecret()),
      },
    }),
    // The inbound source that feeds it (decision 0027), id derived from the endpoint's as
    // createEndpoint does; POST /ingest/<endpoint id> resolves to it.
    prisma.source.create({
      data: {
        id: `src_${demo.endpointId.slice("ep_".length)}`,
        tenantId: demo.tenantId,
        name: "Demo receiver",
        scheme: "github",
        // Stored sealed, like every secret (docs/security.md, "Secrets at rest").
        secret: sealer.seal(demo.sourceSecret),
        endpointId: demo.endpointId,
      },
    }),
  ]);
  await ensureDemoSubscriptions(prisma, demo);
  await dataDir.writeJson(DEMO_FILE, demo);
  return { outcome: "seeded", demo };
}

/** What the demo endpoint receives: its own source's events, and every event the demo tenant publishes. */
export const DEMO_PUBLISH_PATTERNS = ["*"];

/**
 * The demo endpoint's subscriptions (docs/routing.md), made through the launcher's owner
 * connection as createEndpoint would (one to its own source, every type) plus one to the tenant's
 * publish source (every type but `kapsel.*`), so the demo's POST /publish fans out to the demo
 * receiver. Each is created only when missing: later starts change nothing.
 */
export async function ensureDemoSubscriptions(prisma: PrismaClient, demo: DemoSeed): Promise<void> {
  const inboundSourceId = `src_${demo.endpointId.slice("ep_".length)}`;
  const publish = await prisma.source.findFirst({
    where: { tenantId: demo.tenantId, kind: "publish" },
    select: { id: true },
  });
  const wanted = [
    { id: `sub_${demo.endpointId.slice("ep_".length)}`, sourceId: inboundSourceId, typePatterns: ["*"] },
    ...(publish ? [{ id: newId("subscription"), sourceId: publish.id, typePatterns: DEMO_PUBLISH_PATTERNS }] : []),
  ];
  for (const subscription of wanted) {
    const existing = await prisma.subscription.findFirst({
      where: { endpointId: demo.endpointId, sourceIds: { has: subscription.sourceId } },
      select: { id: true },
    });
    if (existing) continue;
    await prisma.subscription.create({
      data: {
        id: subscription.id,
        tenantId: demo.tenantId,
        endpointId: demo.endpointId,
        description:
          subscription.sourceId === inboundSourceId ? "The demo webhook" : "Events the demo tenant publishes",
        sourceIds: [subscription.sourceId],
        typePatterns: subscription.typePatterns,
      },
    });
  }
}
