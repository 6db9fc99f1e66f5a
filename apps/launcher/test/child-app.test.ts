import { describe, expect, it } from "vitest";
import { pinFreePorts } from "../src/child-app.ts";

describe("pinFreePorts", () => {
  const ports = { INGEST_PORT: "ingestPort", METRICS_PORT: "metricsPort" };

  it("gives a restart the ports the first run bound where the setting said 0 (any free port)", () => {
    const env = { INGEST_PORT: "0", METRICS_PORT: "0", OTHER: "x" };
    expect(pinFreePorts(env, { ingestPort: 41234, metricsPort: 41235 }, ports)).toEqual({
      INGEST_PORT: "41234",
      METRICS_PORT: "41235",
      OTHER: "x",
    });
    expect(env.INGEST_PORT).toBe("0"); // the first run's environment is left as it was
  });

  it("leaves fixed ports, unset settings and the first run alone", () => {
    const env = { INGEST_PORT: "3000" };
    expect(pinFreePorts(env, { ingestPort: 3000, metricsPort: 3000 }, ports)).toEqual({ INGEST_PORT: "3000" });
    expect(pinFreePorts({ INGEST_PORT: "0" }, null, ports)).toEqual({ INGEST_PORT: "0" });
    expect(pinFreePorts({ INGEST_PORT: "0" }, { ingestPort: null }, ports)).toEqual({ INGEST_PORT: "0" });
  });
});
