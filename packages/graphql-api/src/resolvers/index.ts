import type { ResolverMap } from "../schema/build-schema.ts";
import { eventAttemptResolvers } from "./event-attempt.ts";
import { queryResolvers } from "./query.ts";
import { tenantEndpointResolvers } from "./tenant-endpoint.ts";

export const resolvers: ResolverMap = { ...queryResolvers, ...tenantEndpointResolvers, ...eventAttemptResolvers };
