// Adds to bench/autocannon.d.ts the part of autocannon 8's API that only the API bench uses:
// a request sequence with per-request set-up and response hooks (node_modules/autocannon/README.md).
declare module "autocannon" {
  export interface RequestSpec {
    method?: "GET" | "POST";
    path?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    /** Called before each send of this request; returns the request to send. */
    setupRequest?: (request: RequestSpec, context: Record<string, unknown>) => RequestSpec;
    /** Called with every response to this request (the body as a string). */
    onResponse?: (
      status: number,
      body: string,
      context: Record<string, unknown>,
      headers: Record<string, string>,
    ) => void;
  }

  export interface Options {
    /** Each connection loops over these in order. */
    requests?: RequestSpec[];
  }
}
