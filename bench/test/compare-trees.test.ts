import { describe, expect, it } from "vitest";
import { parseBenchRows } from "../compare-trees.ts";

// Lines as the benches print them (bench/ingest-report.ts, bench/delivery-report.ts).
const INGEST = `run                            conns    2xx/s  p50 ms  p99 ms  max ms  non2xx errors ev/commit   CPU cores
baseline                          64   34,685    1.54    5.40   44.19       0      0         -   0.84/0.99/0.00/0.02/0.15
kapsel                            64    4,823   12.28   30.37   55.20       0      0      31.8   0.18/0.71/0.51/0.04/0.55
kapsel @ 5000/s                   32    3,642    7.75   23.38     116       0      0      15.9   0.18/0.62/0.49/0.06/0.65
kapsel github sig + delivery id    64    3,843   15.75   33.57     167       0      0      31.6   0.27/0.70/0.50/0.01/0.52
kapsel/baseline throughput: 64 conns 0.14x`;

const DELIVERY = `system           variant      conc  events seconds deliveries/s received dup ids /commit   CPU cores
graphile-worker  defaults      128  20,000   15.15        1,320   20,000       0       -   0.64/0.80/0.15/0.01/0.04/0.36
kapsel           1 endpoint    128  20,000   11.23        1,782   20,000       0    28.6   0.54/0.66/0.09/0.02/0.00/0.70
kapsel           8 endpoints   128  20,000    7.68        2,606   20,000       0    32.7   0.75/0.81/0.12/0.01/0.00/0.33`;

describe("bench:compare reads Kapsel's rows of each bench", () => {
  it("ingest: name and connections, 2xx/s", () => {
    expect([...parseBenchRows("ingest", INGEST)]).toEqual([
      ["kapsel 64", 4823],
      ["kapsel @ 5000/s 32", 3642],
      ["kapsel github sig + delivery id 64", 3843],
    ]);
  });

  it("delivery: variant and concurrency, deliveries/s; other systems left out", () => {
    expect([...parseBenchRows("delivery", DELIVERY)]).toEqual([
      ["kapsel 1 endpoint 128", 1782],
      ["kapsel 8 endpoints 128", 2606],
    ]);
  });

  it("refuses a bench whose table it cannot read", () => {
    expect(() => parseBenchRows("attestation", INGEST)).toThrow(/no row format/);
  });
});
