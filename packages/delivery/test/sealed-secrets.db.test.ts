import { Writable } from "node:stream";
import { createLogger } from "@kapsel/logger";
import { isSealed } from "@kapsel/secrets";
import {
  createTestDatabase,
  insertEndpoint,
  insertEvents,
  insertTenant,
  type Receiver,
  startDelivery,
  startReceiver,
  TEST_SIGNING_SECRET,
  type TestDatabase,
  testSecrets,
} from "@kapsel/test-support";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Signing secrets are stored sealed (packages/secrets); delivery opens them to sign, and sends
// nothing it cannot sign with the endpoint's real secrets.

let db: TestDatabase;
let tenantId: string;
let receiver: Receiver;

beforeAll(async () => {
  db = await createTestDatabase();
  tenantId = (await insertTenant(db.pool)).id;
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver.close();
  await db.drop();
});

const verifies = (secret: string, got: Receiver["requests"][number]) => {
  try {
    new Webhook(secret).verify(got.body.toString(), {
      "webhook-id": String(got.headers["webhook-id"]),
      "webhook-timestamp": String(got.headers["webhook-timestamp"]),
      "webhook-signature": String(got.headers["webhook-signature"]),
    });
    return true;
  } catch {
    return false;
  }
};

describe("delivery with sealed signing secrets", () => {
  it("signs with the opened current and previous secrets during a rotation", async () => {
    const previous = "whsec_cHJldmlvdXMtc2lnbmluZy1zZWNyZXQtMzItYnl0ZXMh";
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url });
    await db.pool.query(
      "UPDATE endpoints SET previous_signing_secret = $2, previous_signing_secret_expires_at = now() + interval '1 day' WHERE id = $1",
      [ep.id, testSecrets.seal(previous)],
    );
    const { rows } = await db.pool.query(
      "SELECT signing_secret, previous_signing_secret FROM endpoints WHERE id = $1",
      [ep.id],
    );
    expect(isSealed(rows[0].signing_secret) && isSealed(rows[0].previous_signing_secret)).toBe(true);
    const delivery = startDelivery(db.pool);
    try {
      const [id] = await insertEvents(db.pool, ep, 1, new Date(delivery.clock.now()));
      await delivery.until(async () => receiver.requests.some((r) => r.headers["webhook-id"] === id));
      const got = receiver.requests.find((r) => r.headers["webhook-id"] === id)!;
      expect(String(got.headers["webhook-signature"]).split(" ")).toHaveLength(2);
      expect(verifies(TEST_SIGNING_SECRET, got)).toBe(true);
      expect(verifies(previous, got)).toBe(true);
    } finally {
      await delivery.stop();
    }
  });

  it("sends nothing when the sealed secret was altered: the event stays leased and the log names the code", async () => {
    const ep = await insertEndpoint(db.pool, tenantId, { url: receiver.url });
    const { rows } = await db.pool.query("SELECT signing_secret FROM endpoints WHERE id = $1", [ep.id]);
    const sealed: string = rows[0].signing_secret;
    const i = sealed.length - 5;
    const tampered = sealed.slice(0, i) + (sealed[i] === "x" ? "y" : "x") + sealed.slice(i + 1);
    await db.pool.query("UPDATE endpoints SET signing_secret = $2 WHERE id = $1", [ep.id, tampered]);

    let logged = "";
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString("utf8");
        done();
      },
    });
    const delivery = startDelivery(db.pool, { logger: createLogger({ name: "t", level: "error", destination }) });
    try {
      const [id] = await insertEvents(db.pool, ep, 1, new Date(delivery.clock.now()));
      await delivery.until(async () => logged.includes("SEALED_TAMPERED"));
      const event = (await db.pool.query("SELECT status FROM deliveries WHERE event_id = $1", [id])).rows[0];
      expect(event.status).toBe("delivering");
      expect(receiver.requests.some((r) => r.headers["webhook-id"] === id)).toBe(false);
      expect((await db.pool.query("SELECT 1 FROM delivery_attempts WHERE event_id = $1", [id])).rowCount).toBe(0);
      expect(logged).toContain(ep.id);
      expect(logged).not.toContain(sealed.slice(-40));
    } finally {
      await delivery.stop();
    }
  });
});
