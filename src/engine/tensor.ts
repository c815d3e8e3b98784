/**
 * What models pass between ops: a shape, and storage that belongs to the backend that made it (a Float32Array
 * on the CPU, a device buffer on a GPU). Model graphs only ever hand tensors back to the same backend's ops; the
 * host sees values only through the backend's named crossings (Ops.weight, Ops.tokens, Ops.read).
 */
export interface Tensor {
  readonly shape: readonly number[];
}

/**
 * A dense row-major f32 tensor in host memory: the CPU backend's tensor, and what tests and tools build. Token
 * ids and positions it holds are exact integers (all below 2²⁴).
 */
export interface HostTensor extends Tensor {
  readonly data: Float32Array;
}

/** How a checkpoint stores a tensor's elements. */
export type StoredDtype = "F32" | "F16" | "BF16";

/** A weight as the checkpoint stores it, before a backend takes it: f32 values, or raw f16/bf16 words. */
export interface StoredTensor {
  readonly shape: readonly number[];
  readonly dtype: StoredDtype;
  readonly values: Float32Array | Uint16Array;
}

/** Number of elements a shape holds. */
export function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Makes a host tensor, checking that data and shape agree. */
export function tensor(shape: readonly number[], data?: Float32Array): HostTensor {
  const n = numel(shape);
  if (data && data.length !== n) throw new RangeError(`tensor data has ${data.length} elements, shape [${shape}] needs ${n}`);
  return { shape: [...shape], data: data ?? new Float32Array(n) };
}

/** An f32 host tensor as a stored weight (tests, demo weights). */
export function storedF32(t: HostTensor): StoredTensor {
  return { shape: t.shape, dtype: "F32", values: t.data };
}
