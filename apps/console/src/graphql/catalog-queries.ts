/** Read operations of the sources and event-type pages (docs/console.md), run on the console's server. */
import type { Connection, SourceScheme } from "./types.ts";

export interface SourceSummary {
  id: string;
  kind: "INBOUND" | "PUBLISH" | "SYSTEM";
  name: string;
  ingestUrl: string;
  scheme: SourceScheme;
  endpoint: { id: string; name: string; url: string } | null;
}

export interface SourceDetail extends SourceSummary {
  header: string | null;
  encoding: string | null;
  prefix: string | null;
  toleranceSeconds: number;
  typeHeader: string | null;
  typePointer: string | null;
  rotationEndsAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const SOURCE_SUMMARY_FIELDS = "id kind name ingestUrl scheme endpoint { id name url }";

export const SOURCES_PAGE_SIZE = 25;
export const SOURCES_LIST = `query SourcesList($first: Int!, $after: String) {
  sources(first: $first, after: $after) {
    edges { cursor node { ${SOURCE_SUMMARY_FIELDS} } }
    pageInfo { hasNextPage endCursor }
  }
}`;
export interface SourcesListData {
  sources: Connection<SourceSummary> | null;
}

export const SOURCE_DETAIL = `query SourceDetail($id: ID!) {
  source(id: $id) {
    ${SOURCE_SUMMARY_FIELDS}
    header encoding prefix toleranceSeconds typeHeader typePointer rotationEndsAt createdAt updatedAt
  }
}`;
export interface SourceDetailData {
  source: SourceDetail | null;
}

export interface EventTypeSummary {
  id: string;
  name: string;
  description: string;
  origin: "DECLARED" | "OBSERVED" | "BUILTIN";
  archived: boolean;
  lastSeenAt: string | null;
  createdAt: string;
}

export interface EventTypeDetail extends EventTypeSummary {
  schema: unknown;
  archivedAt: string | null;
  firstSeenAt: string | null;
  updatedAt: string;
}

/**
 * `hasSchema` is not a field: `schema` is fetched for the list too. A schema is at most 64 KiB and
 * the API charges it to the answer's byte budget, so a page stays bounded (docs/graphql.md).
 */
const EVENT_TYPE_SUMMARY_FIELDS = "id name description origin archived lastSeenAt createdAt";

export const EVENT_TYPES_PAGE_SIZE = 25;
export const EVENT_TYPES_LIST = `query EventTypesList($first: Int!, $after: String, $includeArchived: Boolean) {
  eventTypes(first: $first, after: $after, includeArchived: $includeArchived) {
    edges { cursor node { ${EVENT_TYPE_SUMMARY_FIELDS} schema } }
    pageInfo { hasNextPage endCursor }
  }
}`;
export interface EventTypesListData {
  eventTypes: Connection<EventTypeSummary & { schema: unknown }> | null;
}

export const EVENT_TYPE_DETAIL = `query EventTypeDetail($id: ID!) {
  eventType(id: $id) { ${EVENT_TYPE_SUMMARY_FIELDS} schema archivedAt firstSeenAt updatedAt }
}`;
export interface EventTypeDetailData {
  eventType: EventTypeDetail | null;
}
