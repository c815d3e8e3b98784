import { tensor, type HostTensor } from "../../tensor.ts";
import { dims2, ShapeError } from "../../shape-check.ts";

function map(x: HostTensor, f: (v: number) => number): HostTensor {
  const src = x.data;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f(src[i]!);
  return tensor(x.shape, out);
}

function zip(op: string, a: HostTensor, b: HostTensor, f: (x: number, y: number) => number): HostTensor {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(`${op}: shapes [${a.shape}] and [${b.shape}] differ`);
  }
  const ad = a.data;
  const bd = b.data;
  const out = new Float32Array(ad.length);
  for (let i = 0; i < ad.length; i++) out[i] = f(ad[i]!, bd[i]!);
  return tensor(a.shape, out);
}

/** x·σ(x), elementwise. */
/** x·σ(x) of one value: the formula every CPU op that applies silu shares, so fused and unfused agree bit for bit. */
export const siluOf = (v: number): number => v / (1 + Math.exp(-v));
export const silu = (x: HostTensor): HostTensor => map(x, siluOf);
/** log(1 + eˣ), elementwise; x itself above 20, as torch.nn.functional.softplus (threshold 20). */
export const softplus = (x: HostTensor): HostTensor => map(x, (v) => (v > 20 ? v : Math.log1p(Math.exp(v))));
/** eˣ, elementwise. */
export const exp = (x: HostTensor): HostTensor => map(x, Math.exp);
/** x·c, elementwise. */
export const scale = (x: HostTensor, c: number): HostTensor => map(x, (v) => v * c);
/** min(max(x, lo), hi), elementwise. */
export const clamp = (x: HostTensor, lo: number, hi: number): HostTensor => map(x, (v) => Math.min(Math.max(v, lo), hi));

/** x + b on every row: x [n, k], b [k] → [n, k]. */
export function addBias(x: HostTensor, b: HostTensor): HostTensor {
  const [n, k] = dims2("addBias", "x", x);
  if (b.data.length !== k || b.shape.length !== 1) throw new ShapeError(`addBias: b [${b.shape}] does not fit rows of ${k}`);
  const out = new Float32Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) out[i * k + j] = x.data[i * k + j]! + b.data[j]!;
  return tensor([n, k], out);
}

/** a + b, same shapes. */
export const add = (a: HostTensor, b: HostTensor): HostTensor => zip("add", a, b, (x, y) => x + y);
/** a · b, same shapes. */
export const mul = (a: HostTensor, b: HostTensor): HostTensor => zip("mul", a, b, (x, y) => x * y);
/** silu(gate) · up, same shapes. */
export const siluMul = (gate: HostTensor, up: HostTensor): HostTensor => zip("siluMul", gate, up, (g, u) => siluOf(g) * u);

/** silu(x[:, :f]) · x[:, f:] of a fused gate‖up projection: x [n, 2f] → [n, f], as siluMul on the two halves. */
export function siluAndMul(x: HostTensor): HostTensor {
  const [n, k] = dims2("siluAndMul", "x", x);
  if (k % 2 !== 0) throw new ShapeError(`siluAndMul: x [${x.shape}] has an odd number of columns`);
  const f = k / 2;
  const out = new Float32Array(n * f);
  for (let i = 0; i < n; i++) for (let j = 0; j < f; j++) out[i * f + j] = siluOf(x.data[i * k + j]!) * x.data[i * k + f + j]!;
  return tensor([n, f], out);
}

/** Softmax over the last dim of x [n, c], max-subtracted for stability. */
export function softmax(x: HostTensor): HostTensor {
  const [n, c] = dims2("softmax", "x", x);
  const out = new Float32Array(n * c);
  for (let i = 0; i < n; i++) {
    const o = i * c;
    let max = -Infinity;
    for (let j = 0; j < c; j++) max = Math.max(max, x.data[o + j]!);
    let sum = 0;
    for (let j = 0; j < c; j++) {
      const e = Math.exp(x.data[o + j]! - max);
      out[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < c; j++) out[o + j] = out[o + j]! / sum;
  }
  return tensor([n, c], out);
}

/** The k largest entries of each row, largest first; ties go to the lower index. x [n, c] → [n, k] + indices. */
export function topk(x: HostTensor, k: number): { values: HostTensor; indices: HostTensor } {
  const [n, c] = dims2("topk", "x", x);
  if (!Number.isInteger(k) || k < 1 || k > c) throw new ShapeError(`topk: k = ${k} outside [1, ${c}]`);
  const values = new Float32Array(n * k);
  const indices = new Float32Array(n * k);
  const taken = new Uint8Array(c);
  for (let i = 0; i < n; i++) {
    taken.fill(0);
    for (let r = 0; r < k; r++) {
      let best = -1;
      for (let j = 0; j < c; j++) {
        if (!taken[j] && (best < 0 || x.data[i * c + j]! > x.data[i * c + best]!)) best = j;
      }
      taken[best] = 1;
      values[i * k + r] = x.data[i * c + best]!;
      indices[i * k + r] = best;
    }
  }
  return { values: tensor([n, k], values), indices: tensor([n, k], indices) };
}
