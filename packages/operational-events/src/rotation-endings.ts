import { type Pool, withTransaction } from "@kapsel/db";
import { secretRotationEnding } from "./payloads.ts";
import { publishOperationalEvents } from "./publish.ts";
import { claimRotationEndings } from "./sql/claim-rotation-endings.ts";

export interface RotationEndingsResult {
  /** Rotations announced by this call. */
  announced: number;
}

/**
 * Announces (kapsel.endpoint.secret_rotation_ending) each signing-secret rotation whose overlap
 * ends within `leadMs` of `now`, once per rotation: the mark and the events commit together, so a
 * crash announces nothing and the next check tries again. At most `limit` per transaction; the
 * rest are taken by the next call.
 */
export async function publishRotationEndings(
  pool: Pool,
  options: { now: Date; leadMs: number; limit?: number },
): Promise<RotationEndingsResult> {
  if (options.leadMs <= 0) return { announced: 0 };
  return withTransaction(pool, async (client) => {
    const ending = await claimRotationEndings(client, options.now, options.leadMs, options.limit ?? 500);
    if (ending.length === 0) return { announced: 0 };
    await publishOperationalEvents(
      client,
      ending.map((r) =>
        secretRotationEnding({
          tenantId: r.tenantId,
          endpointId: r.endpointId,
          overlapEndsAtMs: r.overlapEndsAt.getTime(),
          noticedAtMs: options.now.getTime(),
        }),
      ),
      options.now,
    );
    return { announced: ending.length };
  });
}
