export { type BatchLimits, type RoutedBatch, routeBacklogBatch } from "./route-backlog.ts";
export { ROUTER_BATCH_DEFAULTS, Router, type RouterOptions, type RouterStats } from "./router.ts";
export { RoutingTables } from "./routing-tables.ts";
