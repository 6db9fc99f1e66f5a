import { Writable } from "node:stream";
import { inspect } from "node:util";
import { newId } from "@kapsel/core";
import { createPool } from "@kapsel/db";
import { createApiServer } from "@kapsel/http-api";
import { createLogger, type Logger } from "@kapsel/logger";
import { freePort, insertTenant, testSecrets } from "@kapsel/test-support";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGraphQLApi } from "../src/index.ts";
import { type GraphQLHarness, startGraphQL } from "./harness.ts";

let api: GraphQLHarness;

beforeAll(async () => {
  api = await startGraphQL();
});
afterAll(() => api.close());

/** A real logger at level "error" (its serializers included) whose lines land in `logged`, parsed. */
function capturingLogger(logged: unknown[]): Logger {
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) if (line) logged.push(JSON.parse(line));
      done();
    },
  });
  return createLogger({ name: "kapsel-test", level: "error", destination });
}

describe("internal failures", () => {
  it("answer 503 DATABASE_UNAVAILABLE with Retry-After and log the cause, when the database is down", async () => {
    const logged: unknown[] = [];
    const pool = createPool({ connectionString: `postgres://kapsel:x@127.0.0.1:${await freePort()}/none` });
    const graphql = await createGraphQLApi({ pool, logger: capturingLogger(logged), secretSealer: testSecrets });
    const server = createApiServer({ pool, logger: capturingLogger(logged), graphql: graphql.handle });
    const address = await server.listen(0, "127.0.0.1");
    try {
      const res = await fetch(`http://127.0.0.1:${address.port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer kap_sk_somethingThatLooksLikeAKey000" },
        body: JSON.stringify({ query: "{ viewer { id } }" }),
      });
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBe("5");
      const body = await res.json();
      expect(body).toEqual({
        errors: [
          {
            message: "The database is unavailable. Retry after the Retry-After delay.",
            extensions: { code: "DATABASE_UNAVAILABLE", kapselCode: "E3001" },
          },
        ],
      });
      expect(JSON.stringify(body)).not.toContain("ECONNREFUSED");
      expect(logged).toHaveLength(1);
    } finally {
      await server.close();
      await graphql.stop();
      await pool.end();
    }
  });

  it("null out only the failing field when a resolver fails", async () => {
    const tenant = await insertTenant(api.db.pool);
    // A broken SQL path, simulated by moving away the table attempts are read from.
    await api.db.pool.query("ALTER TABLE delivery_attempts RENAME TO delivery_attempts_gone");
    try {
      const { status, body } = await api.gql(
        '{ viewer { name } endpoint(id: "ep_01M84CC7QAW9Y7TVMT6XEJS9PB") { id } attempt(id: "att_01M84CC7QAW9Y7TVMT6XEJS9PB") { id } }',
        { key: tenant.apiKey },
      );
      expect(status).toBe(200);
      expect(body.data).toEqual({ viewer: { name: "Test tenant" }, endpoint: null, attempt: null });
      expect(body.errors).toEqual([
        {
          message: "The request could not be served. Retry later.",
          locations: [expect.any(Object)],
          path: ["attempt"],
          extensions: { code: "INTERNAL_SERVER_ERROR", kapselCode: "E3001" },
        },
      ]);
    } finally {
      await api.db.pool.query("ALTER TABLE delivery_attempts_gone RENAME TO delivery_attempts");
    }
  });

  it("never log a secret: database errors lose the failing row before they are logged", async () => {
    const logged: unknown[] = [];
    const quiet = await startGraphQL({ logger: capturingLogger(logged) });
    const tenant = await insertTenant(quiet.db.pool);
    const secret = "source-secret-that-must-never-be-logged";
    // A failure the API cannot foresee, standing in for any database error on the sources table
    // (where createEndpoint writes the source secret, decision 0027).
    await quiet.db.pool.query("ALTER TABLE sources ADD CONSTRAINT test_refuses_boom CHECK (name <> 'boom')");
    try {
      // What PostgreSQL itself reports: the whole failing row, secrets included.
      await expect(
        quiet.db.pool.query(
          "INSERT INTO sources (id, tenant_id, name, scheme, secret) VALUES ($1, $2, 'boom', 'github', $3)",
          [newId("source"), tenant.id, secret],
        ),
      ).rejects.toMatchObject({ detail: expect.stringContaining(secret) });

      const { body, text } = await quiet.gql(
        `mutation($input: CreateEndpointInput!) { createEndpoint(input: $input) { signingSecret userErrors { code } } }`,
        {
          key: tenant.apiKey,
          variables: {
            input: { name: "boom", url: "https://x.example/", sourceScheme: "GITHUB", sourceSecret: secret },
          },
        },
      );
      expect(body.data).toEqual({ createEndpoint: null });
      expect(body.errors).toMatchObject([{ extensions: { code: "INTERNAL_SERVER_ERROR", kapselCode: "E3001" } }]);
      expect(text).not.toContain(secret);
      expect(text).not.toContain("test_refuses_boom");
      expect(logged).toHaveLength(1);
      // Every line as written, after the logger's own error serializer.
      const log = inspect(logged, { showHidden: true, depth: 20 });
      expect(log).toContain("test_refuses_boom"); // enough to diagnose...
      expect(log).not.toContain(secret); // ...without the secrets
      expect(log).not.toContain("whsec_");
    } finally {
      await quiet.db.pool.query("ALTER TABLE sources DROP CONSTRAINT test_refuses_boom");
      await quiet.close();
    }
  });
});
