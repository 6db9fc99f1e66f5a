/**
 * The run's seed, printed by every suite: RELIABILITY_SEED to replay a run, else `fallback` (a fixed
 * seed keeps CI deterministic), else the clock (random moments differ from run to run).
 */
export function runSeed(fallback?: number): number {
  const fromEnv = Number(process.env.RELIABILITY_SEED);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return fallback ?? Date.now() % 2_147_483_647;
}

/** mulberry32: a small, fast PRNG, so that random moments are replayable from the printed seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A uniformly drawn whole number of milliseconds in [min, max]. */
export function between(random: () => number, min: number, max: number): number {
  return Math.round(min + random() * (max - min));
}
