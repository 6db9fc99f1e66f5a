/**
 * `DELIVERY_ALLOW_ADDRESSES` for the worker and the API under `npm start`. The operator's own
 * value wins (an empty one included: nothing allow-listed). Otherwise exactly the demo receiver's
 * address and port: the embedded PostgreSQL, the metrics listeners and the API listen on
 * 127.0.0.1 too, and a demo tenant must not reach them through an endpoint (issue #11, finding 7).
 * Without the demo receiver (a partial KAPSEL_ROLES layout), nothing is allow-listed.
 */
export function deliveryAllowList(parent: NodeJS.ProcessEnv, demoReceiverPort: number | null): string {
  const own = parent.DELIVERY_ALLOW_ADDRESSES;
  if (own !== undefined) return own;
  return demoReceiverPort === null ? "" : `127.0.0.1:${demoReceiverPort}`;
}
