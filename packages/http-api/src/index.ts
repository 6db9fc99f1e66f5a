export { type ApiServer, createApiServer } from "./api-server.ts";
export { authenticate } from "./authenticate.ts";
