import { Writable } from "node:stream";
import { createLogger } from "@kapsel/logger";
import { describe, expect, it } from "vitest";

function capture(level: "info" | "debug" = "info") {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ name: "kapsel-test", level, destination }) };
}

describe("createLogger", () => {
  it("writes JSON lines with the service name and the correlation fields given", () => {
    const { lines, logger } = capture();
    logger.info({ eventId: "evt_1", attemptId: "att_1", endpointId: "ep_1" }, "delivery attempt succeeded");
    logger.debug({ eventId: "evt_2" }, "below the level");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      service: "kapsel-test",
      level: 30,
      eventId: "evt_1",
      attemptId: "att_1",
      endpointId: "ep_1",
      msg: "delivery attempt succeeded",
    });
  });

  it("masks credentials and message contents that slip into a log object", () => {
    const { lines, logger } = capture();
    logger.warn(
      {
        secret: "s1",
        payload: "p1",
        body: "b1",
        endpoint: {
          signingSecret: "s2",
          sourceSecret: "s3",
          previousSigningSecret: "s4",
          previousSourceSecret: "s5",
          url: "kept",
        },
        headers: {
          authorization: "Bearer k1",
          "x-api-key": "k2",
          "webhook-signature": "v1,sig",
          "x-hub-signature-256": "sha256=x",
        },
        attempt: { responseBody: "r1", payload: "p2" },
      },
      "oops",
    );
    const text = JSON.stringify(lines[0]);
    for (const leaked of [
      "s1",
      "p1",
      "b1",
      "s2",
      "s3",
      "s4",
      "s5",
      "Bearer k1",
      "k2",
      "v1,sig",
      "sha256=x",
      "r1",
      "p2",
    ]) {
      expect(text).not.toContain(`"${leaked}"`);
    }
    expect(lines[0]).toMatchObject({ secret: "[redacted]", endpoint: { url: "kept", signingSecret: "[redacted]" } });
  });
});

describe("logged errors", () => {
  it("keep type, message, codes and causes, never PostgreSQL row data or objects nested in the error", () => {
    const { lines, logger } = capture();
    const database = Object.assign(new Error('duplicate key value violates unique constraint "events_idem"'), {
      code: "23505",
      constraint: "events_idem",
      table: "events",
      detail: "Key (idempotency_key)=(customer-secret-key) already exists.",
      where: "row 42",
      parameters: ["whsec_leaked"],
    });
    const wrapper = Object.assign(new Error("commit failed", { cause: database }), {
      request: { headers: { authorization: "Bearer kap_sk_leaked" } },
    });
    logger.error({ err: wrapper }, "event commit failed");
    logger.error({ error: new AggregateError([database], "several") }, "batch failed");
    const text = JSON.stringify(lines);
    for (const leaked of ["customer-secret-key", "row 42", "whsec_leaked", "kap_sk_leaked"]) {
      expect(text).not.toContain(leaked);
    }
    expect(lines[0]).toMatchObject({
      err: {
        type: "Error",
        message: "commit failed",
        cause: {
          code: "23505",
          constraint: "events_idem",
          table: "events",
          message: expect.stringContaining("unique"),
        },
      },
    });
    expect(lines[1]).toMatchObject({ error: { type: "AggregateError", errors: [{ code: "23505" }] } });
  });
});
