import { seededRandom } from "../../../src/engine/seeded-random.ts";
import { numel, tensor, type HostTensor } from "../../../src/engine/tensor.ts";

/** A deterministic uniform PRNG (mulberry32), so every case sees the same inputs on every machine. */
export const rng = seededRandom;

/** A tensor of uniform values in [lo, hi). */
export function randomTensor(next: () => number, shape: readonly number[], lo = -1, hi = 1): HostTensor {
  const data = new Float32Array(numel(shape));
  for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * next();
  return tensor(shape, data);
}

/** A deep copy: the CPU op updates states and caches in place, so each side gets its own. */
export function clone(t: HostTensor): HostTensor {
  return tensor(t.shape, t.data.slice());
}

/** Largest |got − want| / (atol + rtol·|want|): ≤ 1 means every element is within tolerance. NaN counts as a miss. */
export function worstRatio(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number): number {
  if (got.length !== want.length) throw new Error(`lengths differ: ${got.length} vs ${want.length}`);
  let worst = 0;
  for (let i = 0; i < got.length; i++) {
    const r = Math.abs(got[i]! - want[i]!) / (atol + rtol * Math.abs(want[i]!));
    worst = Number.isNaN(r) ? Infinity : Math.max(worst, r);
  }
  return worst;
}
