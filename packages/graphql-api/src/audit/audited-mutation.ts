import { withTransaction } from "@kapsel/db";
import { DeliveryAdmin } from "@kapsel/delivery";
import type { GraphQLContext } from "../context.ts";
import type { FieldResolver } from "../schema/build-schema.ts";
import type { AuditSpec } from "./audit-specs.ts";
import { readConfiguration } from "./configurations.ts";
import { recordAudit } from "./record-audit.ts";
import { transactionPool } from "./transaction-pool.ts";

/** A payload with user errors: nothing changed, so nothing is recorded and the transaction rolls back. */
function isSuccess(payload: unknown): boolean {
  const errors = (payload as { userErrors?: unknown } | null)?.userErrors;
  return Array.isArray(errors) && errors.length === 0;
}

/** Carries a failed payload out of withTransaction, which rolls back on a throw. */
class RolledBack {
  constructor(readonly payload: unknown) {}
}

/**
 * Runs a mutation resolver inside ONE transaction together with its audit record: the resolver
 * gets a context whose db, loaders and DeliveryAdmin all use that transaction (transactionPool),
 * the target's configuration is read before and after, and a successful change is recorded with
 * recordAudit before COMMIT. A payload with user errors or a thrown error rolls everything back.
 */
export function auditedMutation(operation: string, spec: AuditSpec, resolve: FieldResolver): FieldResolver {
  return async (parent, args, context: GraphQLContext, info) => {
    const tenantOfCaller = context.caller.role === "tenant" ? context.caller.tenantId : null;
    try {
      return await withTransaction(context.db, async (client) => {
        const db = transactionPool(client);
        const scoped: GraphQLContext = {
          ...context,
          db,
          loaders: context.loaders.onDatabase(db),
          admin: new DeliveryAdmin(db, context.clock),
        };
        const beforeId = spec.before?.(args);
        const before = beforeId === undefined ? null : await readConfiguration(db, spec.kind, beforeId, tenantOfCaller);
        const payload = await resolve(parent, args, scoped, info);
        if (!isSuccess(payload)) throw new RolledBack(payload);
        const targetId = spec.after(args, payload);
        const after = await readConfiguration(db, spec.kind, targetId, tenantOfCaller);
        const tenantId = tenantOfCaller ?? (spec.kind === "tenant" ? targetId : null);
        if (tenantId === null) throw new Error(`${operation}: no tenant to record the change under`);
        await recordAudit(db, {
          caller: context.caller,
          operation,
          tenantId,
          targetId,
          before,
          after,
          secret: spec.secret(args, payload),
          at: new Date(context.clock.now()),
        });
        return payload;
      });
    } catch (error) {
      if (error instanceof RolledBack) return error.payload;
      throw error;
    }
  };
}
