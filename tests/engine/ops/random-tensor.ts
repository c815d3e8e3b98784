import { seededRandom } from "../../../src/engine/seeded-random.ts";
import { numel, tensor, type HostTensor } from "../../../src/engine/tensor.ts";

/** A deterministic uniform PRNG (mulberry32), so every case sees the same inputs on every machine. */
export const rng = seededRandom;

/** A tensor of uniform values in [lo, hi). */
export function randomTensor(next: () => number, shape: number[], lo = -1, hi = 1): HostTensor {
  const data = new Float32Array(numel(shape));
  for (let i = 0; i < data.length; i++) data[i] = lo + (hi - lo) * next();
  return tensor(shape, data);
}

/** Rows [start, end) of a row-major tensor whose first dim is the sequence. */
export function rows(t: HostTensor, start: number, end: number): HostTensor {
  const width = numel(t.shape.slice(1));
  return tensor([end - start, ...t.shape.slice(1)], t.data.slice(start * width, end * width));
}

/** Concatenates tensors along the first dim. */
export function concatRows(parts: HostTensor[]): HostTensor {
  const width = numel(parts[0]!.shape.slice(1));
  const n = parts.reduce((s, p) => s + p.shape[0]!, 0);
  const out = new Float32Array(n * width);
  let o = 0;
  for (const p of parts) {
    out.set(p.data, o);
    o += p.data.length;
  }
  return tensor([n, ...parts[0]!.shape.slice(1)], out);
}

/** Largest |a − b| / (atol + rtol·|b|) over two equal-length arrays (≤ 1 means within tolerance). */
export function worstRatio(a: ArrayLike<number>, b: ArrayLike<number>, atol = 1e-6, rtol = 1e-5): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / (atol + rtol * Math.abs(b[i]!)));
  return worst;
}
