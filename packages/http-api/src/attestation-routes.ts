import type { IncomingMessage, ServerResponse } from "node:http";
import { toBase64 } from "@kapsel/attestation";
import { buildConsistencyProof, buildReceipt } from "@kapsel/attestation-log";
import { isId } from "@kapsel/core";
import { latestTreeHead, listAttestationKeys, type Pool, treeHeadAt } from "@kapsel/db";
import { authenticate } from "./authenticate.ts";
import { error, json, text } from "./responses.ts";

/**
 * The public face of the log (docs/receipts.md): checkpoints, keys and consistency proofs are
 * public, like any transparency log's; receipts are per tenant and need the tenant's API key.
 * Returns false when the path is not one of these routes.
 */
export async function routeAttestation(
  pool: Pool,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<boolean> {
  const path = url.pathname;
  if (!path.startsWith("/attestation/") || req.method !== "GET") return false;

  if (path === "/attestation/checkpoint") {
    const head = await latestTreeHead(pool);
    if (head) text(res, 200, head.checkpoint);
    else error(res, "E3102");
    return true;
  }
  const bySize = /^\/attestation\/checkpoint\/(\d{1,16})$/.exec(path);
  if (bySize) {
    const head = await treeHeadAt(pool, Number(bySize[1]));
    if (head) text(res, 200, head.checkpoint);
    else error(res, "E3102");
    return true;
  }
  if (path === "/attestation/keys") {
    const keys = await listAttestationKeys(pool);
    json(res, 200, {
      keys: keys.map((k) => ({
        key_id: k.keyId,
        name: k.name,
        verifier_key: k.verifierKey,
        created_at: k.createdAt.toISOString(),
        retired_at: k.retiredAt?.toISOString() ?? null,
      })),
    });
    return true;
  }
  if (path === "/attestation/consistency") {
    const from = Number(url.searchParams.get("from"));
    const to = Number(url.searchParams.get("to"));
    const built = await buildConsistencyProof(pool, from, to);
    if (built.outcome === "invalid") error(res, "E4003", { detail: built.reason });
    else json(res, 200, { from: built.from, to: built.to, proof: built.proof.map(toBase64) });
    return true;
  }
  const receipt = /^\/attestation\/receipts\/([^/]+)$/.exec(path);
  if (receipt) {
    const tenantId = await authenticate(pool, req);
    if (!tenantId) {
      error(res, "E4001");
      return true;
    }
    const attemptId = receipt[1]!; // ids are plain ASCII: no decoding needed
    const built = isId("attempt", attemptId)
      ? await buildReceipt(pool, tenantId, attemptId)
      : { outcome: "not_found" as const };
    if (built.outcome === "receipt") json(res, 200, built.receipt);
    else if (built.outcome === "pending") error(res, "E3103", { retryAfterSeconds: 10 });
    else error(res, "E4002");
    return true;
  }
  return false;
}
