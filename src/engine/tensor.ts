/**
 * A dense row-major f32 tensor: the one value type that flows between checkpoint loading, ops and models.
 * Weights stored as f16/bf16 are widened to f32 on load; the CPU backend computes in f32.
 */
export interface Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Number of elements a shape holds. */
export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Makes a tensor, checking that data and shape agree. */
export function tensor(shape: readonly number[], data?: Float32Array): Tensor {
  const n = numel(shape);
  if (data && data.length !== n) throw new RangeError(`tensor data has ${data.length} elements, shape [${shape}] needs ${n}`);
  return { shape: [...shape], data: data ?? new Float32Array(n) };
}
