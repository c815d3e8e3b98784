import type { GpuContext, GpuTensor } from "./gpu-context.ts";
import { dimsOf, ShapeError } from "./shapes.ts";

/**
 * Rows of an embedding table on the GPU (kernels/embedding/embedding.wgsl): table [v, d] in its stored dtype,
 * ids [n] (f32 integers) → [n, d] f32.
 */
export function embedding(gpu: GpuContext, table: GpuTensor, ids: GpuTensor): GpuTensor {
  const [v, d] = dimsOf("embedding", "table", table, 2) as [number, number];
  if (ids.shape.length !== 1) throw new ShapeError(`embedding: ids must be rank 1, got [${ids.shape}]`);
  const n = ids.shape[0]!;
  const y = gpu.output([n, d]);
  const pipeline = gpu.kernel("embedding", "embed", gpu.wordType(table.dtype));
  gpu.dispatch(pipeline, [table, ids, y], [n, d, v, 0], [Math.ceil(d / 512), n]);
  return y;
}
