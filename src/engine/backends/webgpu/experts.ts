import type { GpuContext, GpuTensor } from "./gpu-context.ts";
import { dimsOf, expectGpuShape, ShapeError } from "./shapes.ts";

/**
 * A mixture of SwiGLU experts over routed tokens on the GPU (kernels/experts/experts.wgsl): x [n, d], gate, up
 * [e, f, d], down [e, d, f] (one stored dtype), indices, weights [n, k] → [n, d]. Routing is read on the device.
 */
export function experts(gpu: GpuContext, x: GpuTensor, gate: GpuTensor, up: GpuTensor, down: GpuTensor, indices: GpuTensor, weights: GpuTensor): GpuTensor {
  const op = "experts";
  const [n, d] = dimsOf(op, "x", x, 2) as [number, number];
  if (gate.shape.length !== 3 || gate.shape[2] !== d) throw new ShapeError(`${op}: gate must be [e, f, ${d}], got [${gate.shape}]`);
  const [count, f] = [gate.shape[0]!, gate.shape[1]!];
  expectGpuShape(op, "up", up, [count, f, d]);
  expectGpuShape(op, "down", down, [count, d, f]);
  const [ni, k] = dimsOf(op, "indices", indices, 2) as [number, number];
  if (ni !== n) throw new ShapeError(`${op}: indices [${indices.shape}] do not have ${n} rows`);
  expectGpuShape(op, "weights", weights, [n, k]);
  if (up.dtype !== gate.dtype || down.dtype !== gate.dtype) throw new ShapeError(`${op}: gate, up and down differ in dtype`);
  const words = gpu.wordType(gate.dtype);
  const hidden = gpu.scratch([n * k, f]);
  const parts = gpu.scratch([n * k, d]);
  const y = gpu.output([n, d]);
  const params = (even: boolean) => [n, k, d, f, count, even ? 1 : 0, 0, 0];
  gpu.dispatch(gpu.kernel("experts", "gate_up", words), [x, gate, up, indices, hidden], params(d % 2 === 0), [Math.ceil(f / 8), n * k]);
  gpu.dispatch(gpu.kernel("experts", "down", words), [hidden, down, null, indices, parts], params(f % 2 === 0), [Math.ceil(d / 8), n * k]);
  gpu.dispatch(gpu.kernel("experts", "combine", words), [parts, weights, null, indices, y], params(false), gpu.grid(Math.ceil((n * d) / 256)));
  return y;
}
