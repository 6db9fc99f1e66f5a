/** The endpoint's configuration, read-only. */
import { formatDuration, formatTimestamp } from "../format/format.ts";
import type { EndpointSettings } from "../graphql/types.ts";
import { schemeLabel } from "../view/source-schemes.ts";

export function EndpointSettingsList({ endpoint: ep }: { endpoint: EndpointSettings }) {
  const rows: [string, string][] = [
    ["Endpoint id", ep.id],
    ["Delivers to", ep.url],
    ["Source signature", schemeLabel(ep.sourceScheme)],
    ...(ep.sourceScheme === "HMAC_SHA256"
      ? ([
          ["Signature header", ep.sourceHeader ?? "x-signature"],
          ["Signature encoding", ep.sourceEncoding ?? "hex"],
          ["Signature prefix", ep.sourcePrefix ?? "none"],
        ] as [string, string][])
      : []),
    ["Timestamp tolerance", formatDuration(ep.sourceToleranceSeconds * 1000)],
    ["Max attempts", String(ep.maxAttempts)],
    ["Retry backoff", `${formatDuration(ep.backoffBaseMs)} doubling, up to ${formatDuration(ep.backoffCapMs)}`],
    ["Timeouts", `connect ${formatDuration(ep.connectTimeoutMs)}, response ${formatDuration(ep.responseTimeoutMs)}`],
    ["Max in flight", String(ep.maxInFlight)],
    [
      "Also retried",
      [ep.retryAllClientErrors ? "every 4xx" : null, ...ep.retryableStatuses.map(String)].filter(Boolean).join(", ") ||
        "only the defaults (408, 409, 425, 429, 5xx)",
    ],
    ...(ep.signingRotationEndsAt
      ? ([["Previous signing secret valid until", formatTimestamp(ep.signingRotationEndsAt)]] as [string, string][])
      : []),
    ...(ep.sourceRotationEndsAt
      ? ([["Previous source secret accepted until", formatTimestamp(ep.sourceRotationEndsAt)]] as [string, string][])
      : []),
    ["Created", formatTimestamp(ep.createdAt)],
    ["Updated", formatTimestamp(ep.updatedAt)],
  ];
  return (
    <dl className="settings">
      {rows.map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd className={k === "Delivers to" || k === "Endpoint id" ? "mono" : undefined}>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
