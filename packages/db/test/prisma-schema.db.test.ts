import { createHash } from "node:crypto";
import { createPrismaClient, type PrismaClient } from "@kapsel/db";
import { createTestDatabase, type TestDatabase, testSecrets } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The migrations are hand-written SQL and prisma/schema.prisma is written to match them. This
 * proves they agree: same tables, same columns, and every model created and read back through the
 * generated client with every field set.
 */
let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
});
afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

interface RuntimeDataModel {
  models: Record<string, { dbName: string | null; fields: { name: string; kind: string; dbName?: string | null }[] }>;
}

const sha = (s: string) => new Uint8Array(createHash("sha256").update(s).digest());
const at = (iso: string) => new Date(iso);

describe("Prisma schema and SQL migrations", () => {
  it("describe the same tables and columns", async () => {
    // The generated client's own description of the schema (an internal field of the Prisma 7 runtime).
    const { models: byName } = (prisma as unknown as { _runtimeDataModel: RuntimeDataModel })._runtimeDataModel;
    const models = Object.values(byName);
    const expected = new Map(
      models.map((model) => [
        model.dbName ?? "",
        model.fields
          .filter((field) => field.kind === "scalar" || field.kind === "enum")
          .map((field) => field.dbName ?? field.name)
          .sort(),
      ]),
    );
    const { rows } = await db.pool.query<{ table_name: string; columns: string[] }>(
      `SELECT table_name, array_agg(column_name::text ORDER BY column_name) AS columns
         FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
        GROUP BY table_name`,
    );
    const actual = new Map(rows.map((row) => [row.table_name, [...row.columns].sort()]));
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
  });

  it("create and read every model with every field set", async () => {
    const tenant = await prisma.tenant.create({
      data: {
        id: "ten_1",
        name: "Acme",
        ingestRatePerSecond: 50,
        ingestRateBurst: 200,
        retentionDays: 7,
        routingVersion: 5n,
        createdAt: at("2026-01-01T00:00:00Z"),
        updatedAt: at("2026-01-02T00:00:00Z"),
      },
    });
    expect(await prisma.tenant.findUniqueOrThrow({ where: { id: "ten_1" } })).toEqual(tenant);

    const apiKey = await prisma.apiKey.create({
      data: {
        id: "key_1",
        tenantId: "ten_1",
        name: "ci",
        prefix: "kap_abc",
        keyHash: sha("k"),
        lastUsedAt: at("2026-01-03T00:00:00Z"),
        revokedAt: at("2026-01-04T00:00:00Z"),
      },
    });
    expect(await prisma.apiKey.findUniqueOrThrow({ where: { keyHash: sha("k") } })).toEqual(apiKey);

    const endpoint = await prisma.endpoint.create({
      data: {
        id: "ep_1",
        tenantId: "ten_1",
        name: "orders",
        url: "https://example.com/hook",
        status: "paused",
        disabledReason: "manual",
        signingSecret: testSecrets.seal("whsec_out"),
        previousSigningSecret: testSecrets.seal("whsec_old"),
        previousSigningSecretExpiresAt: at("2026-02-01T00:00:00Z"),
        maxAttempts: 5,
        backoffBaseMs: 500,
        backoffCapMs: 60_000,
        connectTimeoutMs: 1000,
        responseTimeoutMs: 2000,
        maxInFlight: 3,
        retryableStatuses: [404, 418],
        retryAllClientErrors: true,
      },
    });
    expect(await prisma.endpoint.findUniqueOrThrow({ where: { id: "ep_1" } })).toEqual(endpoint);

    const source = await prisma.source.create({
      data: {
        id: "src_1",
        tenantId: "ten_1",
        kind: "inbound",
        name: "orders",
        scheme: "standard_webhooks",
        secret: testSecrets.seal("whsec_abc"),
        previousSecret: testSecrets.seal("whsec_previous_source"),
        previousSecretExpiresAt: at("2026-02-02T00:00:00Z"),
        header: "x-sig",
        encoding: "base64",
        prefix: "v1=",
        toleranceSeconds: 60,
        typeHeader: "x-event-type",
        typePointer: "/meta/type",
        endpointId: "ep_1",
        createdAt: at("2026-01-01T00:00:00Z"),
        updatedAt: at("2026-01-02T00:00:00Z"),
      },
    });
    expect(await prisma.source.findUniqueOrThrow({ where: { endpointId: "ep_1" } })).toEqual(source);
    // The enum value Prisma calls standard_webhooks is stored as the scheme's real name.
    const { rows } = await db.pool.query("SELECT scheme::text AS s FROM sources WHERE id = 'src_1'");
    expect(rows[0].s).toBe("standard-webhooks");

    const event = await prisma.event.create({
      data: {
        id: "evt_1",
        tenantId: "ten_1",
        endpointId: "ep_1",
        sourceId: "src_1",
        type: "invoice.paid",
        payload: new Uint8Array([1, 2, 3]),
        payloadSha256: sha("p"),
        payloadSize: 3,
        contentType: "application/json",
        headers: { "content-type": "application/json" },
        idempotencyKey: "idem-1",
        receivedAt: at("2026-01-05T00:00:00Z"),
        traceContext: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      },
    });
    expect(await prisma.event.findUniqueOrThrow({ where: { id: "evt_1" } })).toEqual(event);

    const delivery = await prisma.delivery.create({
      data: {
        id: "dlv_1",
        tenantId: "ten_1",
        eventId: "evt_1",
        endpointId: "ep_1",
        subscriptionId: "sub_1",
        status: "delivering",
        attempts: 2,
        retryBase: 1,
        nextAttemptAt: at("2026-01-05T00:01:00Z"),
        leaseOwner: "worker-1",
        leaseExpiresAt: at("2026-01-05T00:02:00Z"),
        lastError: "timeout",
        deliveredAt: null,
        failedAt: null,
        createdAt: at("2026-01-05T00:00:00Z"),
        updatedAt: at("2026-01-05T00:00:01Z"),
      },
    });
    expect(
      await prisma.delivery.findUniqueOrThrow({
        where: { eventId_endpointId: { eventId: "evt_1", endpointId: "ep_1" } },
      }),
    ).toEqual(delivery);

    const key = await prisma.idempotencyKey.create({ data: { sourceId: "src_1", key: "idem-1", eventId: "evt_1" } });
    expect(
      await prisma.idempotencyKey.findUniqueOrThrow({
        where: { sourceId_key: { sourceId: "src_1", key: "idem-1" } },
      }),
    ).toEqual(key);

    const attempt = await prisma.deliveryAttempt.create({
      data: {
        id: "att_1",
        eventId: "evt_1",
        deliveryId: "dlv_1",
        tenantId: "ten_1",
        endpointId: "ep_1",
        attemptNumber: 1,
        workerId: "worker-1",
        startedAt: at("2026-01-05T00:00:01Z"),
        durationMs: 120,
        requestUrl: "https://example.com/hook",
        requestHeaders: { "webhook-id": "evt_1" },
        responseStatus: 500,
        responseHeaders: { "content-type": "text/plain" },
        responseBody: new Uint8Array([111, 107]),
        responseBodySha256: sha("ok"),
        responseBodyTruncated: true,
        result: "retryable_failure",
        errorClass: "http_5xx",
        errorMessage: "Internal Server Error",
      },
    });
    expect(
      await prisma.deliveryAttempt.findUniqueOrThrow({
        where: { deliveryId_attemptNumber: { deliveryId: "dlv_1", attemptNumber: 1 } },
      }),
    ).toEqual(attempt);

    const breaker = await prisma.circuitBreaker.create({
      data: {
        endpointId: "ep_1",
        state: "half_open",
        windowStartedAt: at("2026-01-05T00:00:00Z"),
        windowSuccesses: 4,
        windowFailures: 6,
        openedAt: at("2026-01-05T00:00:30Z"),
        cooldownMs: 60_000,
        halfOpenInFlight: 1,
        lastProbeAt: at("2026-01-05T00:00:40Z"),
      },
    });
    expect(await prisma.circuitBreaker.findUniqueOrThrow({ where: { endpointId: "ep_1" } })).toEqual(breaker);

    const transition = await prisma.circuitBreakerTransition.create({
      data: { endpointId: "ep_1", fromState: "open", toState: "half_open", reason: "cooldown elapsed" },
    });
    expect(await prisma.circuitBreakerTransition.findUniqueOrThrow({ where: { id: transition.id } })).toEqual(
      transition,
    );

    const key2 = await prisma.attestationKey.create({
      data: {
        keyId: "0a1b2c3d",
        name: "kapsel.local/log",
        verifierKey: "kapsel.local/log+0a1b2c3d+AQID",
        retiredAt: at("2026-03-01T00:00:00Z"),
      },
    });
    expect(await prisma.attestationKey.findUniqueOrThrow({ where: { keyId: "0a1b2c3d" } })).toEqual(key2);

    const pending = await prisma.pendingLeaf.create({ data: { attemptId: "att_1", leaf: new Uint8Array([123, 125]) } });
    expect(await prisma.pendingLeaf.findUniqueOrThrow({ where: { attemptId: "att_1" } })).toEqual(pending);

    const leaf = await prisma.merkleLeaf.create({
      data: { leafIndex: 0n, attemptId: "att_1", leaf: new Uint8Array([123, 125]), leafHash: sha("leaf") },
    });
    expect(await prisma.merkleLeaf.findUniqueOrThrow({ where: { leafIndex: 0n } })).toEqual(leaf);

    const audit = await prisma.auditRecord.create({
      data: {
        id: "aud_1",
        tenantId: "ten_1",
        actor: "operator",
        operation: "updateTenant",
        targetId: "ten_1",
        at: at("2026-03-02T00:00:00Z"),
        beforeSha256: sha("before"),
        afterSha256: sha("after"),
        secret: "unchanged",
      },
    });
    expect(await prisma.auditRecord.findUniqueOrThrow({ where: { id: "aud_1" } })).toEqual(audit);
    const auditPending = await prisma.pendingLeaf.create({
      data: { id: 99n, auditId: "aud_1", leaf: new Uint8Array([123, 125]), enqueuedAt: at("2026-03-02T00:00:00Z") },
    });
    expect(await prisma.pendingLeaf.findUniqueOrThrow({ where: { auditId: "aud_1" } })).toEqual(auditPending);
    const auditLeaf = await prisma.merkleLeaf.create({
      data: { leafIndex: 1n, auditId: "aud_1", leaf: new Uint8Array([123, 125]), leafHash: sha("audit leaf") },
    });
    expect(
      await prisma.auditRecord.findUniqueOrThrow({
        where: { id: "aud_1" },
        include: { merkleLeaf: true, tenant: true },
      }),
    ).toMatchObject({ merkleLeaf: auditLeaf, tenant: { id: "ten_1" } });
    // A leaf belongs to an attempt or to an audit record, never to both or neither.
    await expect(
      db.pool.query("INSERT INTO pending_leaves (attempt_id, audit_id, leaf) VALUES ('att_1', 'aud_1', '\\x00')"),
    ).rejects.toThrow(/pending_leaves_one_source/);
    await expect(db.pool.query("INSERT INTO pending_leaves (leaf) VALUES ('\\x00')")).rejects.toThrow(
      /pending_leaves_one_source/,
    );

    const eventType = await prisma.eventType.create({
      data: {
        id: "etp_1",
        tenantId: "ten_1",
        name: "invoice.paid",
        description: "An invoice was paid.",
        schema: { type: "object", required: ["id"] },
        schemaBytes: 35,
        origin: "declared",
        firstSeenAt: at("2026-03-01T00:00:00Z"),
        lastSeenAt: at("2026-03-02T00:00:00Z"),
        archivedAt: at("2026-03-03T00:00:00Z"),
        createdAt: at("2026-03-01T00:00:00Z"),
        updatedAt: at("2026-03-03T00:00:00Z"),
      },
    });
    expect(
      await prisma.eventType.findUniqueOrThrow({
        where: { tenantId_name: { tenantId: "ten_1", name: "invoice.paid" } },
      }),
    ).toEqual(eventType);

    const subscription = await prisma.subscription.create({
      data: {
        id: "sub_1",
        tenantId: "ten_1",
        endpointId: "ep_1",
        description: "Paid invoices over 100",
        sourceIds: ["src_1"],
        typePatterns: ["invoice.*"],
        filter: { amount: { $gt: 100 } },
        createdAt: at("2026-03-04T00:00:00Z"),
        updatedAt: at("2026-03-05T00:00:00Z"),
      },
    });
    expect(await prisma.subscription.findUniqueOrThrow({ where: { id: "sub_1" } })).toEqual(subscription);

    const backlog = await prisma.routingBacklog.create({
      data: { eventId: "evt_1", tenantId: "ten_1", createdAt: at("2026-03-06T00:00:00Z") },
    });
    expect(await prisma.routingBacklog.findUniqueOrThrow({ where: { eventId: "evt_1" } })).toEqual(backlog);

    const head = await prisma.signedTreeHead.create({
      data: { treeSize: 1n, rootHash: sha("root"), checkpoint: "kapsel.local/log\n1\nAAAA\n", keyId: "0a1b2c3d" },
    });
    expect(await prisma.signedTreeHead.findUniqueOrThrow({ where: { treeSize: 1n } })).toEqual(head);

    const node = await prisma.merkleNode.create({ data: { level: 3, idx: 7n, hash: sha("node") } });
    expect(await prisma.merkleNode.findUniqueOrThrow({ where: { level_idx: { level: 3, idx: 7n } } })).toEqual(node);

    // Relations resolve both ways through the foreign keys the SQL declares.
    const withRelations = await prisma.event.findUniqueOrThrow({
      where: { id: "evt_1" },
      include: {
        endpoint: true,
        tenant: true,
        deliveries: { include: { deliveryAttempts: true } },
        deliveryAttempts: { include: { merkleLeaf: true, pendingLeaf: true } },
        routingBacklog: true,
      },
    });
    expect(withRelations.endpoint?.id).toBe("ep_1");
    expect(withRelations.routingBacklog?.tenantId).toBe("ten_1");
    expect(withRelations.deliveries[0]?.deliveryAttempts[0]?.id).toBe("att_1");
    expect(withRelations.deliveryAttempts[0]?.merkleLeaf?.leafIndex).toBe(0n);
  });

  it("the database itself refuses UPDATE and DELETE on the attestation log", async () => {
    await expect(db.pool.query("UPDATE merkle_leaves SET leaf = '\\x00' WHERE leaf_index = 0")).rejects.toThrow(
      /append-only/,
    );
    await expect(db.pool.query("DELETE FROM merkle_leaves")).rejects.toThrow(/append-only/);
    await expect(db.pool.query("TRUNCATE merkle_leaves CASCADE")).rejects.toThrow(/append-only/);
    await expect(db.pool.query("UPDATE signed_tree_heads SET checkpoint = 'x'")).rejects.toThrow(/append-only/);
    await expect(db.pool.query("DELETE FROM signed_tree_heads")).rejects.toThrow(/append-only/);
    await expect(db.pool.query("UPDATE merkle_nodes SET hash = hash")).rejects.toThrow(/append-only/);
    await expect(db.pool.query("DELETE FROM merkle_nodes")).rejects.toThrow(/append-only/);
    await expect(db.pool.query("TRUNCATE merkle_nodes")).rejects.toThrow(/append-only/);
    await expect(db.pool.query("UPDATE audit_records SET actor = 'someone else'")).rejects.toThrow(/append-only/);
    await expect(db.pool.query("DELETE FROM audit_records")).rejects.toThrow(/append-only/);
    await expect(db.pool.query("TRUNCATE audit_records CASCADE")).rejects.toThrow(/append-only/);
  });
});
