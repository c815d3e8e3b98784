import { copyRowSpan } from "../../op-shapes.ts";
import type { HostTensor } from "../../tensor.ts";

/** src into row `row` of dst, in place. */
export function copyRow(dst: HostTensor, src: HostTensor, row: number): void {
  const { start } = copyRowSpan(dst, src, row);
  dst.data.set(src.data, start);
}
