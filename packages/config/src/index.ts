export { type ApiConfig, apiConfigSchema } from "./api-config.ts";
export { boolean, commaList, databaseUrl, host, logLevel, metricsToken, port, positiveInt } from "./env-types.ts";
export { type LauncherConfig, launcherConfigSchema } from "./launcher-config.ts";
export { type ConfigResult, formatConfigProblems, parseEnv } from "./parse-env.ts";
export { ROLES, type Role, type Roles, rolesFrom, rolesSetting, WORKER_ROLES } from "./roles.ts";
export { type WorkerConfig, workerConfigSchema } from "./worker-config.ts";
