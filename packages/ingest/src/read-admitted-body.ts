import type { IncomingMessage, ServerResponse } from "node:http";
import { type MinimumUploadRate, readBody } from "@kapsel/http-body";
import { reject } from "./commit-routed.ts";
import type { IngestOutcomeCounter } from "./ingest-request.ts";
import type { TenantBudgets } from "./tenant-budgets.ts";

export interface BodyDeps {
  budgets: TenantBudgets;
  minUploadRate: MinimumUploadRate | null;
  maxBodyBytes: number;
  metrics?: IngestOutcomeCounter;
}

/**
 * Reads an admitted request's body within the tenant's share of memory (and the process's), at the
 * minimum upload rate, and hands it to `accept`; the bytes are released once `accept` settles. A
 * body that cannot be read is answered here (413, 429, 503, 408) and `accept` is not called. Shared
 * by POST /ingest and POST /publish.
 */
export async function readAdmittedBody(
  req: IncomingMessage,
  res: ServerResponse,
  tenantId: string,
  deps: BodyDeps,
  accept: (body: Buffer) => Promise<void>,
): Promise<void> {
  const lease = deps.budgets.acquire(tenantId);
  try {
    const read = await readBody(req, deps.maxBodyBytes, {
      budget: lease.budget,
      ...(deps.minUploadRate ? { minRate: deps.minUploadRate } : {}),
    });
    switch (read.outcome) {
      case "too_large":
        return reject(deps, res, "E1003", {
          detail: `The limit is ${deps.maxBodyBytes} bytes.`,
          closeConnection: true,
        });
      case "over_budget":
        // The tenant's own share is full (429), or the whole process's memory budget (503).
        return read.budget === deps.budgets.process
          ? reject(deps, res, "E3002", { retryAfterSeconds: 1, closeConnection: true })
          : reject(deps, res, "E1014", { retryAfterSeconds: 1, closeConnection: true });
      case "too_slow":
        return reject(deps, res, "E1012", { closeConnection: true });
      case "aborted":
        return; // the client went away; nothing was stored and there is no one to answer
    }
    const body = read.body;
    try {
      await accept(body);
    } finally {
      lease.budget.release(body.length);
    }
  } finally {
    lease.done();
  }
}
