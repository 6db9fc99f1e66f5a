export { type PurgeOptions, type PurgeResult, purgeExpired } from "./purge-expired.ts";
export { RetentionJob, type RetentionJobOptions, type RetentionMetrics } from "./retention-job.ts";
