import { performance } from "node:perf_hooks";
import type { DeliveryErrorClass } from "@kapsel/core";
import { Agent } from "undici";
import { validateEndpointUrl } from "./endpoint-url.ts";
import { classifyNetworkError, sanitizeMessage } from "./error-classification.ts";
import { createGuardedConnector } from "./guarded-connector.ts";
import { type ResolveHost, systemResolveHost } from "./guarded-lookup.ts";
import { collectResponse, ResponseDeadlineError } from "./response-collector.ts";
import type { SsrfPolicy } from "./ssrf-policy.ts";

/**
 * Sends one webhook attempt and reports what happened as data. Redirects are never followed
 * (a 3xx is the answer), the kept body is capped, and every connection goes through the SSRF
 * guard at the moment it is made.
 */

export const DEFAULT_MAX_RESPONSE_BYTES = 65_536;
export const DEFAULT_USER_AGENT = "Kapsel-Webhooks/1.0";

export interface HttpSenderOptions {
  readonly policy: SsrfPolicy;
  /** Response body bytes kept; the rest is not downloaded. */
  readonly maxResponseBytes?: number;
  /** Sent unless the request carries its own `user-agent`. */
  readonly userAgent?: string;
  /** Open connections per origin; unlimited when absent. */
  readonly maxConnectionsPerOrigin?: number;
  /** Hostname resolution; the system resolver (`dns.lookup`, honouring /etc/hosts) by default. */
  readonly resolveHost?: ResolveHost;
}

export interface SendRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** DNS lookup, TCP connect and TLS handshake of a new connection. */
  readonly connectTimeoutMs: number;
  /** From the request being written until the whole response body has arrived. */
  readonly responseTimeoutMs: number;
}

export type SendResult =
  | {
      readonly kind: "response";
      readonly status: number;
      readonly headers: Record<string, string>;
      readonly body: Buffer;
      readonly bodyTruncated: boolean;
      readonly durationMs: number;
    }
  | {
      readonly kind: "error";
      readonly errorClass: DeliveryErrorClass;
      readonly message: string;
      readonly durationMs: number;
    };

export interface HttpSender {
  send(request: SendRequest): Promise<SendResult>;
  /** Waits for in-flight requests, then closes every pooled connection. */
  close(): Promise<void>;
  /** Aborts in-flight requests and closes every connection at once (shutdown past its grace period). */
  destroy(): Promise<void>;
}

const isPositiveTimeout = (ms: number) => Number.isFinite(ms) && ms > 0;

export function createHttpSender(options: HttpSenderOptions): HttpSender {
  const {
    policy,
    maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES,
    userAgent = DEFAULT_USER_AGENT,
    maxConnectionsPerOrigin,
    resolveHost = systemResolveHost,
  } = options;
  if (!Number.isSafeInteger(maxResponseBytes) || maxResponseBytes < 0) {
    throw new RangeError("maxResponseBytes must be a non-negative integer");
  }
  // undici fixes the connect timeout per connector, so each distinct timeout gets its own
  // keep-alive pool; endpoints share a handful of timeout values in practice.
  const agents = new Map<number, Agent>();
  let closed = false;

  function agentFor(connectTimeoutMs: number): Agent {
    const existing = agents.get(connectTimeoutMs);
    if (existing) return existing;
    const agent = new Agent({
      connect: createGuardedConnector(policy, resolveHost, connectTimeoutMs),
      pipelining: 1,
      connections: maxConnectionsPerOrigin ?? null,
    });
    agents.set(connectTimeoutMs, agent);
    return agent;
  }

  async function send(request: SendRequest): Promise<SendResult> {
    const started = performance.now();
    const fail = (errorClass: DeliveryErrorClass, message: string): SendResult => ({
      kind: "error",
      errorClass,
      message: sanitizeMessage(message, request.headers),
      durationMs: performance.now() - started,
    });
    if (closed) return fail("other", "the HTTP sender is closed");
    const { connectTimeoutMs, responseTimeoutMs } = request;
    if (!isPositiveTimeout(connectTimeoutMs) || !isPositiveTimeout(responseTimeoutMs)) {
      return fail("other", "connectTimeoutMs and responseTimeoutMs must be positive numbers");
    }
    // Same rules as at endpoint creation: the policy may have tightened since.
    const checked = validateEndpointUrl(request.url, policy);
    if (!checked.ok) {
      const blocked = checked.reason === "blocked_address" || checked.reason === "blocked_hostname";
      return fail(blocked ? "ssrf_blocked" : "invalid_url", checked.message);
    }
    const url = new URL(checked.href);
    const headers: Record<string, string> = { "user-agent": userAgent };
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;

    const collector = collectResponse({ maxBytes: maxResponseBytes, responseTimeoutMs });
    // Outer bound for time spent queued behind other requests to a saturated origin, which
    // neither the connect timeout nor the response deadline covers.
    const budgetMs = connectTimeoutMs + responseTimeoutMs;
    const overall = setTimeout(
      () => collector.cancel(new ResponseDeadlineError(`no complete response within ${budgetMs} ms`)),
      budgetMs,
    );
    try {
      agentFor(connectTimeoutMs).dispatch(
        {
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: "POST",
          headers,
          body: request.body,
          headersTimeout: responseTimeoutMs,
          bodyTimeout: responseTimeoutMs,
        },
        collector.handler,
      );
    } catch (error) {
      collector.cancel(error instanceof Error ? error : new Error(String(error)));
    }
    const outcome = await collector.done;
    clearTimeout(overall);
    if (outcome.ok) return { kind: "response", ...outcome.response, durationMs: performance.now() - started };
    const classified = classifyNetworkError(outcome.error);
    return fail(classified.errorClass, classified.message);
  }

  async function close(): Promise<void> {
    closed = true;
    await Promise.all([...agents.values()].map((agent) => agent.close()));
    agents.clear();
  }

  async function destroy(): Promise<void> {
    closed = true;
    await Promise.all([...agents.values()].map((agent) => agent.destroy()));
    agents.clear();
  }

  return { send, close, destroy };
}
