import { ShapeError } from "../../shape-check.ts";
import { type HostTensor, numel, type Tensor } from "../../tensor.ts";

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

/** src into row `row` of dst, in place. */
export function copyRow(dst: HostTensor, src: HostTensor, row: number): void {
  const { start } = copyRowSpan(dst, src, row);
  dst.data.set(src.data, start);
}
