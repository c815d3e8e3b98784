/**
 * The shape contracts of the sequence-mixer and matrix ops of ops.ts, checked the same way by every backend: each
 * returns the sizes its kernels need, or throws a ShapeError naming the op and the argument.
 */
import { dims2, dims3, expectShape, ShapeError } from "./shape-check.ts";
import { numel, type Tensor } from "./tensor.ts";

/** linear: x [n, k], w [m, k], b [m] → { n, k, m } */
export function linearDims(x: Tensor, w: Tensor, b?: Tensor): { n: number; k: number; m: number } {
  const [n, k] = dims2("linear", "x", x);
  const [m, kw] = dims2("linear", "w", w);
  if (kw !== k) throw new ShapeError(`linear: x [${x.shape}] and w [${w.shape}] disagree on k`);
  if (b) expectShape("linear", "b", b, [m]);
  return { n, k, m };
}

/** conv1dCausal: x [n, d], w [d, kw], b [d], state [d, kw − 1] → { n, d, kw } */
export function conv1dDims(x: Tensor, w: Tensor, b: Tensor | undefined, state: Tensor): { n: number; d: number; kw: number } {
  const [n, d] = dims2("conv1dCausal", "x", x);
  const [, kw] = dims2("conv1dCausal", "w", w);
  expectShape("conv1dCausal", "w", w, [d, kw]);
  expectShape("conv1dCausal", "state", state, [d, kw - 1]);
  if (b) expectShape("conv1dCausal", "b", b, [d]);
  return { n, d, kw };
}

/** selectiveScan: u, delta [n, d], A [d, s], B, C [n, s], D [d], state [d, s] → { n, d, s } */
export function selectiveScanDims(u: Tensor, delta: Tensor, A: Tensor, B: Tensor, C: Tensor, D: Tensor, state: Tensor, opts?: { z?: Tensor }): { n: number; d: number; s: number } {
  const [n, d] = dims2("selectiveScan", "u", u);
  const [, s] = dims2("selectiveScan", "A", A);
  expectShape("selectiveScan", "delta", delta, [n, d]);
  expectShape("selectiveScan", "A", A, [d, s]);
  expectShape("selectiveScan", "B", B, [n, s]);
  expectShape("selectiveScan", "C", C, [n, s]);
  expectShape("selectiveScan", "D", D, [d]);
  expectShape("selectiveScan", "state", state, [d, s]);
  if (opts?.z) expectShape("selectiveScan", "z", opts.z, [n, d]);
  return { n, d, s };
}

/** ssdScan: x [n, h, p], dt [n, h], A [h], B, C [n, g, s], D [h], state [h, p, s], g | h → { n, h, p, g, s } */
export function ssdScanDims(x: Tensor, dt: Tensor, A: Tensor, B: Tensor, C: Tensor, D: Tensor, state: Tensor, opts?: { dtBias?: Tensor }): { n: number; h: number; p: number; g: number; s: number } {
  const [n, h, p] = dims3("ssdScan", "x", x);
  const [, g, s] = dims3("ssdScan", "B", B);
  if (h % g !== 0) throw new ShapeError(`ssdScan: ${g} groups do not divide ${h} heads`);
  expectShape("ssdScan", "dt", dt, [n, h]);
  expectShape("ssdScan", "A", A, [h]);
  expectShape("ssdScan", "B", B, [n, g, s]);
  expectShape("ssdScan", "C", C, [n, g, s]);
  expectShape("ssdScan", "D", D, [h]);
  expectShape("ssdScan", "state", state, [h, p, s]);
  if (opts?.dtBias) expectShape("ssdScan", "dtBias", opts.dtBias, [h]);
  return { n, h, p, g, s };
}

/** experts: x [n, d], gate, up [e, f, d], down [e, d, f], indices, weights [n, k] → { n, d, experts, f, k } */
export function expertsDims(x: Tensor, gate: Tensor, up: Tensor, down: Tensor, indices: Tensor, weights: Tensor): { n: number; d: number; experts: number; f: number; k: number } {
  const [n, d] = dims2("experts", "x", x);
  if (gate.shape.length !== 3 || gate.shape[2] !== d) throw new ShapeError(`experts: gate must be [e, f, ${d}], got [${gate.shape}]`);
  const [experts, f] = [gate.shape[0]!, gate.shape[1]!];
  expectShape("experts", "up", up, [experts, f, d]);
  expectShape("experts", "down", down, [experts, d, f]);
  const [ni, k] = dims2("experts", "indices", indices);
  if (ni !== n) throw new ShapeError(`experts: indices [${indices.shape}] do not have ${n} rows`);
  expectShape("experts", "weights", weights, [n, k]);
  return { n, d, experts, f, k };
}

/**
 * Where Ops.copyRow writes: the first element of row `row` of dst [r, …] and the row's length, once src is
 * checked to hold exactly one row. Every backend checks with this, so a bad call fails the same way everywhere.
 */
export function copyRowSpan(dst: Tensor, src: Tensor, row: number): { start: number; length: number } {
  if (dst.shape.length < 1) throw new ShapeError("copyRow: dst must have rows, got a scalar");
  const rows = dst.shape[0]!;
  if (!Number.isInteger(row) || row < 0 || row >= rows) throw new ShapeError(`copyRow: row ${row} outside ${rows} rows`);
  const length = numel(dst.shape.slice(1));
  if (numel(src.shape) !== length) throw new ShapeError(`copyRow: src [${src.shape}] is not one row of dst [${dst.shape}]`);
  return { start: row * length, length };
}
