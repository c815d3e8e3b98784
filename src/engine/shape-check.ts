import type { Tensor } from "./tensor.ts";

/** Thrown when an op gets a tensor another backend owns: a bug in the caller, never a silent copy. */
export class BackendMismatchError extends Error {
  override name = "BackendMismatchError";
}

/** Thrown when an op gets tensors whose shapes do not fit together: a bug in the calling graph, named by op. */
export class ShapeError extends Error {
  override name = "ShapeError";
}

/** The two dims of a rank-2 tensor, or a ShapeError naming the op and argument. */
export function dims2(op: string, arg: string, t: Tensor): [number, number] {
  if (t.shape.length !== 2) throw new ShapeError(`${op}: ${arg} must be rank 2, got [${t.shape}]`);
  return [t.shape[0]!, t.shape[1]!];
}

/** The three dims of a rank-3 tensor, or a ShapeError naming the op and argument. */
export function dims3(op: string, arg: string, t: Tensor): [number, number, number] {
  if (t.shape.length !== 3) throw new ShapeError(`${op}: ${arg} must be rank 3, got [${t.shape}]`);
  return [t.shape[0]!, t.shape[1]!, t.shape[2]!];
}

/** Checks that a tensor has exactly the expected shape. */
export function expectShape(op: string, arg: string, t: Tensor, shape: readonly number[]): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`${op}: ${arg} must be [${shape}], got [${t.shape}]`);
  }
}
