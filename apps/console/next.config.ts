import type { NextConfig } from "next";

const config: NextConfig = {
  // @kapsel/attestation is a workspace package shipped as TypeScript source (imports with `.ts`).
  transpilePackages: ["@kapsel/attestation"],
  poweredByHeader: false,
};

export default config;
