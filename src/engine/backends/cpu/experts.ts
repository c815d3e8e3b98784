import { tensor, type HostTensor } from "../../tensor.ts";
import { siluMul } from "./elementwise.ts";
import { gatherRows, linear, scatterAddRows } from "./linear.ts";
import { expertsDims } from "../../op-shapes.ts";

/** Expert e's matrix of a stack [e, rows, cols], as a view [rows, cols]. */
function expertMatrix(stack: HostTensor, e: number): HostTensor {
  const [rows, cols] = [stack.shape[1]!, stack.shape[2]!];
  return tensor([rows, cols], stack.data.subarray(e * rows * cols, (e + 1) * rows * cols));
}

/**
 * Mixture of SwiGLU experts over routed tokens: each expert runs once on the rows routed to it, in expert order,
 * and adds its weighted output into theirs (the order HF's JambaSparseMoeBlock sums in).
 * x [n, d], gate, up [e, f, d], down [e, d, f], indices, weights [n, j] → [n, d]
 */
export function experts(
  x: HostTensor,
  gate: HostTensor,
  up: HostTensor,
  down: HostTensor,
  indices: HostTensor,
  weights: HostTensor,
): HostTensor {
  const { n, d, experts: count, k } = expertsDims(x, gate, up, down, indices, weights);
  const out = tensor([n, d]);
  for (let e = 0; e < count; e++) {
    const rows: number[] = [];
    const share: number[] = [];
    indices.data.forEach((idx, slot) => {
      if (idx === e) {
        rows.push(Math.floor(slot / k));
        share.push(weights.data[slot]!);
      }
    });
    if (rows.length === 0) continue;
    const routed = Int32Array.from(rows);
    const xs = gatherRows(x, routed); // [m, d]
    const hidden = siluMul(linear(xs, expertMatrix(gate, e)), linear(xs, expertMatrix(up, e))); // [m, f]
    scatterAddRows(out, linear(hidden, expertMatrix(down, e)), routed, Float32Array.from(share));
  }
  return out;
}
