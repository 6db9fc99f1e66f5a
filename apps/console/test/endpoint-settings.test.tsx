// The endpoint page's settings list: a rotation under way shows until when the old secret counts.
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { EndpointSettingsList } from "../src/components/endpoint-settings.tsx";
import type { EndpointSettings } from "../src/graphql/types.ts";

const endpoint: EndpointSettings = {
  id: "ep_01JABCDEFGHJKMNPQRSTVWXYZ0",
  name: "Orders",
  url: "https://hooks.example.com/orders",
  status: "ACTIVE",
  disabledReason: null,
  sourceScheme: "GITHUB",
  sourceHeader: null,
  sourceEncoding: null,
  sourcePrefix: null,
  sourceToleranceSeconds: 300,
  signingRotationEndsAt: null,
  sourceRotationEndsAt: null,
  maxAttempts: 50,
  backoffBaseMs: 1000,
  backoffCapMs: 512_000,
  connectTimeoutMs: 5000,
  responseTimeoutMs: 15_000,
  maxInFlight: 10,
  retryableStatuses: [],
  retryAllClientErrors: false,
  createdAt: "2026-12-01T10:00:00.000Z",
  updatedAt: "2026-12-01T10:00:00.000Z",
};

describe("<EndpointSettingsList>", () => {
  it("shows the end of each rotation under way, and nothing when there is none", () => {
    const idle = renderToStaticMarkup(<EndpointSettingsList endpoint={endpoint} />);
    expect(idle).not.toContain("Previous");
    const rotating = renderToStaticMarkup(
      <EndpointSettingsList
        endpoint={{
          ...endpoint,
          signingRotationEndsAt: "2026-12-04T09:00:00.000Z",
          sourceRotationEndsAt: "2026-12-03T17:30:00.000Z",
        }}
      />,
    );
    expect(rotating).toContain("<dt>Previous signing secret valid until</dt><dd>2026-12-04 09:00:00 UTC</dd>");
    expect(rotating).toContain("<dt>Previous source secret accepted until</dt><dd>2026-12-03 17:30:00 UTC</dd>");
  });
});
