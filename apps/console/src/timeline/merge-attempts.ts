/** Live updates: adds attempts that arrived over the stream to those already shown, once each. */
import type { Attempt } from "../graphql/types.ts";

export function mergeAttempts(current: readonly Attempt[], incoming: readonly Attempt[]): Attempt[] {
  const byId = new Map(current.map((a) => [a.id, a]));
  for (const a of incoming) byId.set(a.id, a);
  return [...byId.values()].sort((a, b) => b.attemptNumber - a.attemptNumber || (a.id < b.id ? 1 : -1));
}
