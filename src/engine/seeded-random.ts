/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): tiny, fast, and well spread for sampling and weight init.
 * Not cryptographic. The same seed always yields the same sequence, on every runtime.
 * @example
 *   const rand = seededRandom(42);
 *   rand(); // a float in [0, 1)
 */
export function seededRandom(seed: number): () => number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  // Fold the high bits in so seeds that differ only above 2^32 give different streams.
  let state = (seed % 2 ** 32 ^ Math.floor(seed / 2 ** 32)) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** A standard normal draw from two uniforms (Box–Muller), for seeded weight init. */
export function normalFrom(rand: () => number): number {
  const u = 1 - rand(); // (0, 1]: log stays finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}
