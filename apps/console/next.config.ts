import type { NextConfig } from "next";

/**
 * Sent with every answer (docs/security.md, "Console"). The console loads nothing from other
 * origins: scripts, styles and data come from itself (the browser reaches the API only through
 * /api/graphql and /api/live). Next.js inlines its bootstrap scripts and styles, hence
 * 'unsafe-inline' for those two. HSTS is ignored by browsers on plain http (RFC 6797), so it is
 * safe to send always and protects every https deployment.
 */
const SECURITY_HEADERS = [
  {
    key: "Content-Security-Policy",
    value: [
      "default-src 'self'",
      "script-src 'self' 'unsafe-inline'",
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data: blob:",
      "connect-src 'self'",
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
  },
  { key: "Strict-Transport-Security", value: "max-age=31536000" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "no-referrer" },
];

const config: NextConfig = {
  // @kapsel/attestation is a workspace package shipped as TypeScript source (imports with `.ts`).
  transpilePackages: ["@kapsel/attestation"],
  poweredByHeader: false,
  headers: async () => [{ source: "/:path*", headers: SECURITY_HEADERS }],
};

export default config;
