import { createHash } from "node:crypto";
import { newId } from "@kapsel/core";
import { findPublishSource } from "@kapsel/db";
import { isReservedEventTypeName, validateEventTypeName } from "@kapsel/routing";
import { type GraphQLContext, requireTenant } from "../context.ts";
import { checkPublishedPayload, publishRouted } from "../mutations/publish-event.ts";
import { admitTestEvent } from "../mutations/test-event-rate.ts";
import { conflict, failed, invalid, rateLimited, schemaViolation, succeeded } from "../mutations/user-errors.ts";
import type { ResolverMap } from "../schema/build-schema.ts";

interface PublishEventInput {
  type: string;
  payload?: unknown;
  idempotencyKey?: string | null;
}

/** The idempotency key rule of ingest (X-Idempotency-Key, POST /publish's idempotency_key). */
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

/** What a published event is stored with, as POST /publish stores it. */
const PUBLISHED_HEADERS = JSON.stringify({ "content-type": "application/json" });

/**
 * publishEvent: POST /publish as a mutation (docs/routing.md, "Publishing"). The same checks in
 * the same order (type, rate limit, catalog), the same routing and the same insert statement, in
 * the mutation's transaction (with its audit record).
 */
export const publishMutations: ResolverMap = {
  Mutation: {
    publishEvent: async (_: unknown, { input }: { input: PublishEventInput }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      const name = validateEventTypeName(input.type);
      if (!name.ok) return failed(invalid(["input", "type"], `${name.message}.`));
      if (isReservedEventTypeName(input.type)) {
        return failed(
          invalid(
            ["input", "type"],
            "Types whose first segment is 'kapsel' are reserved for Kapsel's operational events (E1017).",
          ),
        );
      }
      const key = input.idempotencyKey ?? null;
      if (key !== null && !VALID_KEY.test(key)) {
        return failed(
          invalid(["input", "idempotencyKey"], "An idempotency key is 1 to 255 printable ASCII characters."),
        );
      }
      const payload = input.payload ?? null;
      const at = new Date(context.clock.now());
      const source = await findPublishSource(context.db, tenantId);
      if (!source) throw new Error("the caller's tenant has no publish source");
      const admission = await admitTestEvent(
        context.db,
        { id: tenantId, ingestRatePerSecond: source.ingestRatePerSecond, ingestRateBurst: source.ingestRateBurst },
        context.rateBurstSeconds,
        at.getTime(),
      );
      if (admission.outcome === "limited") return failed(rateLimited(admission.retryAfterSeconds, "published events"));
      const checked = await checkPublishedPayload(context.db, tenantId, input.type, payload);
      if (checked.outcome === "archived") {
        return failed(
          conflict(
            ["input", "type"],
            "The event type is archived and takes no new events. Unarchive it first (E1019).",
          ),
        );
      }
      if (checked.outcome === "violation") {
        return failed(schemaViolation(["input", "payload"], checked.errors, checked.omitted));
      }
      const stored = Buffer.from(JSON.stringify(payload), "utf8");
      const eventId = newId("event", at.getTime());
      const published = await publishRouted(
        context.db,
        {
          id: eventId,
          tenantId,
          sourceId: source.id,
          endpointId: null,
          type: input.type,
          payload: stored,
          payloadSha256: createHash("sha256").update(stored).digest(),
          contentType: "application/json",
          headersJson: PUBLISHED_HEADERS,
          idempotencyKey: key,
        },
        payload,
        at,
      );
      if (published.outcome === "unsettled") {
        throw new Error("routing kept changing while the event was stored; nothing was stored");
      }
      context.loaders.forgetAll();
      const event = await context.loaders.event(tenantId).load(published.eventId);
      return succeeded({ event, duplicate: published.duplicate });
    },
  },
};
