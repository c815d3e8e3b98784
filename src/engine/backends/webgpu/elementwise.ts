import { numel } from "../../tensor.ts";
import type { GpuContext, GpuTensor } from "./gpu-context.ts";
import { dimsOf, expectGpuShape, ShapeError } from "./shapes.ts";

const WG = 256;

/** Unary op codes of kernels/elementwise (P.op). */
export const UNARY = { silu: 0, softplus: 1, exp: 2, scale: 3, clamp: 4 } as const;
/** Binary op codes of kernels/elementwise (P.op). */
export const BINARY = { add: 0, mul: 1, siluMul: 2 } as const;

/** Params of kernels/elementwise: count, op, k, stride, start, pad, lo, hi. */
function params(count: number, op = 0, k = 1, stride = 0, start = 0, lo = 0, hi = 0) {
  return [count, op, k, stride, start, 0, { f32: lo }, { f32: hi }];
}

/** An elementwise unary op on any shape (kernels/elementwise/elementwise.wgsl, unary): `a` is scale's c or clamp's lo, `b` clamp's hi. */
export function unary(gpu: GpuContext, op: keyof typeof UNARY, x: GpuTensor, a = 0, b = 0): GpuTensor {
  const count = numel(x.shape);
  const y = gpu.output(x.shape);
  gpu.dispatch(gpu.kernel("elementwise", "unary"), [x, null, y], params(count, UNARY[op], 1, 0, 0, a, b), gpu.grid(Math.ceil(count / WG)));
  return y;
}

/** An elementwise binary op on two tensors of one shape (kernels/elementwise/elementwise.wgsl, binary). */
export function binary(gpu: GpuContext, op: keyof typeof BINARY, a: GpuTensor, b: GpuTensor): GpuTensor {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) {
    throw new ShapeError(`${op}: shapes [${a.shape}] and [${b.shape}] differ`);
  }
  const count = numel(a.shape);
  const y = gpu.output(a.shape);
  gpu.dispatch(gpu.kernel("elementwise", "binary"), [a, b, y], params(count, BINARY[op]), gpu.grid(Math.ceil(count / WG)));
  return y;
}

/** x + b on every row: x [n, k], b [k] → [n, k]. */
export function addBias(gpu: GpuContext, x: GpuTensor, b: GpuTensor): GpuTensor {
  const [n, k] = dimsOf("addBias", "x", x, 2) as [number, number];
  expectGpuShape("addBias", "b", b, [k]);
  const y = gpu.output([n, k]);
  gpu.dispatch(gpu.kernel("elementwise", "add_bias"), [x, b, y], params(n * k, 0, Math.max(1, k)), gpu.grid(Math.ceil((n * k) / WG)));
  return y;
}

/**
 * A copy of `rows` rows of `width` elements, row i read from element start + i·stride of x (kernels/elementwise,
 * copy_cols): sliceCols, and rows of a tensor whose offset cannot be bound as a view.
 */
export function copyRows(gpu: GpuContext, x: GpuTensor, shape: readonly number[], rows: number, width: number, stride: number, start: number): GpuTensor {
  const y = gpu.output(shape);
  const count = rows * width;
  gpu.dispatch(gpu.kernel("elementwise", "copy_cols"), [x, null, y], params(count, 0, Math.max(1, width), stride, start), gpu.grid(Math.ceil(count / WG)));
  return y;
}

/** Columns [start, start + width) of every row: x [n, k] → [n, width]. */
export function sliceCols(gpu: GpuContext, x: GpuTensor, start: number, width: number): GpuTensor {
  const [n, k] = dimsOf("sliceCols", "x", x, 2) as [number, number];
  if (!Number.isInteger(start) || !Number.isInteger(width) || start < 0 || width < 0 || start + width > k) {
    throw new ShapeError(`sliceCols: [${start}, ${start + width}) outside ${k} columns`);
  }
  return copyRows(gpu, x, [n, width], n, width, k, start);
}

/** pos += n on the device (kernels/elementwise, advance): pos [1]. */
export function advance(gpu: GpuContext, pos: GpuTensor, n: number): void {
  expectGpuShape("advance", "pos", pos, [1]);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`advance: n must be an integer ≥ 0, got ${n}`);
  gpu.dispatch(gpu.kernel("elementwise", "advance"), [null, null, pos], params(n), [1]);
}
