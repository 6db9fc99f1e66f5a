export { type ApiServer, type ApiServerOptions, createApiServer } from "./api-server.ts";
export { authenticate } from "./authenticate.ts";
