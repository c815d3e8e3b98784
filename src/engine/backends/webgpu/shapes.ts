import { ShapeError } from "../../shape-check.ts";
import type { GpuTensor } from "./gpu-context.ts";

/** The dims of a GPU tensor of the given rank, or a ShapeError naming the op and argument (as the CPU ops do). */
export function dimsOf(op: string, arg: string, t: GpuTensor, rank: number): number[] {
  if (t.shape.length !== rank) throw new ShapeError(`${op}: ${arg} must be rank ${rank}, got [${t.shape}]`);
  return [...t.shape];
}

/** Checks that a GPU tensor has exactly the expected shape. */
export function expectGpuShape(op: string, arg: string, t: GpuTensor, shape: readonly number[]): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw new ShapeError(`${op}: ${arg} must be [${shape}], got [${t.shape}]`);
  }
}

export { ShapeError };
