import type { GraphQLContext } from "../context.ts";
import { apiError } from "../errors.ts";
import { EMPTY_PAGE, parsePageArgs, toConnection } from "../pagination.ts";
import type { ResolverMap } from "../schema/build-schema.ts";
import { type AuditRecordModel, auditLeaf, listAuditRecords } from "../sql/audit-records.ts";
import { receiptOfLeaf } from "./receipts.ts";

interface AuditLogArgs {
  first?: number | null;
  after?: string | null;
  filter?: {
    tenantId?: string | null;
    targetId?: string | null;
    atOrAfter?: Date | null;
    before?: Date | null;
  } | null;
}

// A tenant key lists its own tenant's records (in SQL and under row-level security); the operator
// key lists every tenant's, optionally narrowed to one with filter.tenantId. A tenant key's
// filter.tenantId can only name its own tenant; any other id finds nothing, like a missing one.
export const auditLogResolvers: ResolverMap = {
  Query: {
    auditLog: async (_: unknown, args: AuditLogArgs, context: GraphQLContext) => {
      const filter = args.filter ?? {};
      const page = parsePageArgs("auditLog", args);
      // Another tenant's id answers like a tenant that does not exist: an empty list.
      if (context.caller.role === "tenant" && filter.tenantId != null && filter.tenantId !== context.caller.tenantId) {
        return toConnection("auditLog", EMPTY_PAGE);
      }
      const tenantId = context.caller.role === "tenant" ? context.caller.tenantId : (filter.tenantId ?? null);
      const { atOrAfter = null, before = null } = filter;
      if (atOrAfter && before && atOrAfter > before) {
        throw apiError("BAD_USER_INPUT", "filter.atOrAfter must not be later than filter.before.");
      }
      const records = await listAuditRecords(context.db, {
        ...page,
        tenantId,
        targetId: filter.targetId ?? null,
        atOrAfter,
        before,
      });
      return toConnection("auditLog", records);
    },
  },
  AuditRecord: {
    rotated: (record: AuditRecordModel) => record.secret === "rotated",
    receipt: async (record: AuditRecordModel, _: unknown, context: GraphQLContext) => {
      const leaf = await auditLeaf(context.db, record.id);
      const built = leaf ? await receiptOfLeaf(context, leaf) : null;
      return built ? { auditRecordId: record.id, ...built } : null;
    },
  },
};
