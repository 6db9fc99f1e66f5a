import { isId, newId } from "@kapsel/core";
import { compileEventSchema, isReservedEventTypeName, validateEventTypeName } from "@kapsel/routing";
import { type GraphQLContext, requireTenant } from "../context.ts";
import {
  conflict,
  failed,
  invalid,
  invalidSchema,
  notFound,
  succeeded,
  type UserError,
} from "../mutations/user-errors.ts";
import type { ResolverMap } from "../schema/build-schema.ts";
import {
  type EventTypeChanges,
  type EventTypeModel,
  insertEventType,
  type StoredSchema,
  setEventTypeArchived,
  storedSchema,
  updateEventType,
} from "../sql/event-types.ts";

export const EVENT_TYPE_LIMITS = { description: { max: 2000 } } as const;

const RESERVED =
  "Names whose first segment is `kapsel` (in any letter case) are reserved for Kapsel's operational events.";
const MANAGED_BY_KAPSEL = "Kapsel's operational event types are managed by Kapsel and cannot be changed.";

interface CreateInput {
  name: string;
  description?: string | null;
  schema?: unknown;
}

interface UpdateInput {
  description?: string | null;
  schema?: unknown;
}

function checkDescription(description: string | null | undefined): UserError | null {
  return description != null && description.length > EVENT_TYPE_LIMITS.description.max
    ? invalid(["input", "description"], `description has at most ${EVENT_TYPE_LIMITS.description.max} characters.`)
    : null;
}

/** The schema checked as untrusted input (@kapsel/routing); what is stored is its compact JSON. */
function checkSchema(schema: unknown): { ok: true; stored: StoredSchema } | { ok: false; error: UserError } {
  const compiled = compileEventSchema(schema);
  if (!compiled.ok) return { ok: false, error: invalidSchema(["input", "schema"], compiled.errors) };
  return { ok: true, stored: storedSchema(compiled.schema.source) };
}

const now = (context: GraphQLContext) => new Date(context.clock.now());

/** The caller's type with this id, or the user error that answers instead (an unknown id, or Kapsel's own type). */
async function ownType(context: GraphQLContext, tenantId: string, id: string): Promise<EventTypeModel | UserError> {
  const found = isId("eventType", id) ? await context.loaders.eventType(tenantId).load(id) : null;
  if (!found) return notFound("id", "eventType");
  if (isReservedEventTypeName(found.name)) return conflict(["id"], MANAGED_BY_KAPSEL);
  return found;
}

const isUserError = (value: EventTypeModel | UserError): value is UserError => "code" in value;

async function setArchived(id: string, archived: boolean, context: GraphQLContext) {
  const tenantId = requireTenant(context);
  const found = await ownType(context, tenantId, id);
  if (isUserError(found)) return failed(found);
  const eventType = await setEventTypeArchived(context.db, tenantId, id, archived, now(context));
  return eventType ? succeeded({ eventType }) : failed(notFound("id", "eventType"));
}

// Every problem with the input is reported at once; a payload with user errors changed nothing.
export const eventTypeMutations: ResolverMap = {
  Mutation: {
    createEventType: async (_: unknown, { input }: { input: CreateInput }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      const errors: UserError[] = [];
      const name = validateEventTypeName(input.name);
      if (!name.ok) errors.push(invalid(["input", "name"], `${name.message}.`));
      else if (isReservedEventTypeName(input.name)) errors.push(invalid(["input", "name"], RESERVED));
      const description = checkDescription(input.description);
      if (description) errors.push(description);
      let schema: StoredSchema | null = null;
      if (input.schema != null) {
        const checked = checkSchema(input.schema);
        if (checked.ok) schema = checked.stored;
        else errors.push(checked.error);
      }
      if (errors.length > 0) return failed(...errors);
      const at = now(context);
      const created = await insertEventType(context.db, {
        id: newId("eventType", at.getTime()),
        tenantId,
        name: input.name,
        description: input.description ?? "",
        schema,
        now: at,
      });
      if (created.outcome === "exists") {
        return failed(
          conflict(
            ["input", "name"],
            "An event type of this name exists already (perhaps archived): update it instead.",
          ),
        );
      }
      return succeeded({ eventType: created.eventType });
    },

    // Omitted fields keep their value; `schema: null` removes the schema.
    updateEventType: async (_: unknown, { id, input }: { id: string; input: UpdateInput }, context: GraphQLContext) => {
      const tenantId = requireTenant(context);
      const found = await ownType(context, tenantId, id);
      if (isUserError(found)) return failed(found);
      const errors: UserError[] = [];
      const changes: EventTypeChanges = {};
      const description = checkDescription(input.description);
      if (description) errors.push(description);
      else if (input.description != null) changes.description = input.description;
      if ("schema" in input && input.schema !== undefined) {
        if (input.schema === null) changes.schema = null;
        else {
          const checked = checkSchema(input.schema);
          if (checked.ok) changes.schema = checked.stored;
          else errors.push(checked.error);
        }
      }
      if (errors.length > 0) return failed(...errors);
      const eventType = await updateEventType(context.db, tenantId, id, changes, now(context));
      return eventType ? succeeded({ eventType }) : failed(notFound("id", "eventType"));
    },

    archiveEventType: (_: unknown, { id }: { id: string }, context: GraphQLContext) => setArchived(id, true, context),

    unarchiveEventType: (_: unknown, { id }: { id: string }, context: GraphQLContext) =>
      setArchived(id, false, context),
  },
};
