import { isId, newId } from "@kapsel/core";
import { withTransaction } from "@kapsel/db";
import { generateWebhookSecret } from "@kapsel/webhook-signatures";
import { type GraphQLContext, requireTenant } from "../context.ts";
import { toEnum } from "../models.ts";
import {
  type EndpointInput,
  GENERATED_SOURCE_SCHEMES,
  resolveEndpointSettings,
} from "../mutations/endpoint-settings.ts";
import { conflict, failed, invalid, notFound, succeeded } from "../mutations/user-errors.ts";
import type { ResolverMap } from "../schema/build-schema.ts";
import {
  deleteEndpoint,
  insertEndpoint,
  lockEndpointSettings,
  rotateSigningSecret,
  rotateSourceSecret,
  saveEndpointSettings,
  setEndpointState,
} from "../sql/endpoint-writes.ts";
import { endpointsByIds } from "../sql/endpoints.ts";

/** Longest grace period of a secret rotation (signing or source): 30 days. */
export const MAX_GRACE_HOURS = 720;

const now = (context: GraphQLContext) => new Date(context.clock.now());
const sealOrNull = (context: GraphQLContext, secret: string | null | undefined) =>
  secret == null ? null : context.secretSealer.seal(secret);

// Secrets are generated here and returned in the payload that creates them, nowhere else: the
// database keeps them sealed (context.secretSealer, public key only), and no read (SQL or GraphQL)
// ever selects them again; the API's database role may not (docs/security.md, "Secrets at rest").
export const endpointMutations: ResolverMap = {
  Mutation: {
    createEndpoint: async (_: unknown, { input }: { input: EndpointInput }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      const resolved = resolveEndpointSettings(input, null, {
        policy: context.ssrfPolicy,
        generateSecret: generateWebhookSecret,
      });
      if (!resolved.ok) return failed(...resolved.errors);
      const at = now(context);
      const signingSecret = generateWebhookSecret();
      const endpoint = await insertEndpoint(context.db, {
        id: newId("endpoint", at.getTime()),
        tenantId,
        settings: resolved.settings,
        sourceSecret: sealOrNull(context, resolved.sourceSecret),
        signingSecret: context.secretSealer.seal(signingSecret),
        now: at,
      });
      return succeeded({ endpoint, signingSecret, sourceSecret: resolved.generatedSourceSecret });
    },

    updateEndpoint: async (_: unknown, args: { id: string; input: EndpointInput }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      if (!isId("endpoint", args.id)) return failed(notFound("id", "endpoint"));
      return withTransaction(context.db, async (client) => {
        const current = await lockEndpointSettings(client, tenantId, args.id);
        if (!current) return failed(notFound("id", "endpoint"));
        const resolved = resolveEndpointSettings(args.input, current, {
          policy: context.ssrfPolicy,
          generateSecret: generateWebhookSecret,
        });
        if (!resolved.ok) return failed(...resolved.errors);
        if (Object.keys(args.input).length === 0) {
          const unchanged = (await endpointsByIds(client, tenantId, [args.id])).get(args.id);
          return succeeded({ endpoint: unchanged, sourceSecret: null });
        }
        const endpoint = await saveEndpointSettings(
          client,
          tenantId,
          args.id,
          resolved.settings,
          resolved.sourceSecret === undefined ? undefined : sealOrNull(context, resolved.sourceSecret),
          now(context),
        );
        return succeeded({ endpoint, sourceSecret: resolved.generatedSourceSecret });
      });
    },

    pauseEndpoint: async (_: unknown, { id }: { id: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      if (!isId("endpoint", id)) return failed(notFound("id", "endpoint"));
      const changed = await setEndpointState(context.db, tenantId, id, "paused", now(context));
      if (changed.outcome === "not_found") return failed(notFound("id", "endpoint"));
      if (changed.outcome === "disabled") {
        return failed(
          conflict(
            ["id"],
            "The endpoint is DISABLED: it accepts nothing, so there is nothing to hold. Resume it first.",
          ),
        );
      }
      return succeeded({ endpoint: changed.endpoint });
    },

    resumeEndpoint: async (_: unknown, { id }: { id: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      if (!isId("endpoint", id)) return failed(notFound("id", "endpoint"));
      const changed = await setEndpointState(context.db, tenantId, id, "active", now(context));
      if (changed.outcome !== "updated") return failed(notFound("id", "endpoint"));
      return succeeded({ endpoint: changed.endpoint });
    },

    deleteEndpoint: async (_: unknown, { id }: { id: string }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      if (!isId("endpoint", id)) return failed(notFound("id", "endpoint"));
      // Fresh random values nobody ever sees replace both secrets: a deleted endpoint's secrets are gone.
      const shredded = {
        signingSecret: context.secretSealer.seal(generateWebhookSecret()),
        sourceSecret: context.secretSealer.seal(generateWebhookSecret()),
      };
      const deleted = await deleteEndpoint(context.db, tenantId, id, shredded, now(context));
      return deleted ? succeeded({ deletedEndpointId: id }) : failed(notFound("id", "endpoint"));
    },

    rotateEndpointSecret: async (
      _: unknown,
      args: { id: string; kind: "SIGNING" | "SOURCE"; graceHours: number },
      context: GraphQLContext,
    ) => {
      const tenantId = requireTenant(context);
      // 24 hours by default for both kinds: long enough to update the other side (a receiver, or
      // the source's webhook settings) without a rush, short enough that a forgotten old secret dies.
      const graceHours = args.graceHours ?? 24;
      if (!Number.isInteger(graceHours) || graceHours < 0 || graceHours > MAX_GRACE_HOURS) {
        return failed(invalid(["graceHours"], `graceHours must be a whole number from 0 to ${MAX_GRACE_HOURS}.`));
      }
      if (!isId("endpoint", args.id)) return failed(notFound("id", "endpoint"));
      const secret = generateWebhookSecret();
      if (args.kind === "SIGNING") {
        const endpoint = await rotateSigningSecret(
          context.db,
          tenantId,
          args.id,
          context.secretSealer.seal(secret),
          graceHours * 3_600_000,
          now(context),
        );
        return endpoint ? succeeded({ endpoint, secret }) : failed(notFound("id", "endpoint"));
      }
      const rotated = await rotateSourceSecret(
        context.db,
        tenantId,
        args.id,
        context.secretSealer.seal(secret),
        graceHours * 3_600_000,
        GENERATED_SOURCE_SCHEMES,
        now(context),
      );
      if (rotated.outcome === "not_found") return failed(notFound("id", "endpoint"));
      if (rotated.outcome === "refused") {
        const scheme = toEnum(rotated.scheme);
        return failed(
          conflict(
            ["kind"],
            rotated.scheme === "none"
              ? "The endpoint verifies no source signature (scheme NONE), so it has no source secret. Choose a scheme with updateEndpoint."
              : `The ${scheme} source issues its own secret: rotate it there, then set it with updateEndpoint(input: { sourceSecret }).`,
          ),
        );
      }
      return succeeded({ endpoint: rotated.endpoint, secret });
    },
  },
};
