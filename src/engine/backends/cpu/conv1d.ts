import { tensor, type HostTensor } from "../../tensor.ts";
import { conv1dDims } from "../../op-shapes.ts";
import { siluOf } from "./elementwise.ts";

/**
 * Causal depthwise conv1d continuing from `state` (the previous kw−1 inputs per channel, oldest first):
 * x [n, d], w [d, kw], b [d] | undefined, state [d, kw−1] → [n, d], silu'ed when `activation` says so; state is
 * updated in place.
 * Each channel is gathered once into [state ‖ x[:, c]] so the kernel loop runs over contiguous memory.
 */
export function conv1dCausal(x: HostTensor, w: HostTensor, b: HostTensor | undefined, state: HostTensor, activation?: "silu"): HostTensor {
  const { n, d, kw } = conv1dDims(x, w, b, state);
  const hist = kw - 1;
  const ext = new Float32Array(hist + n);
  const out = new Float32Array(n * d);
  const xd = x.data;
  const sd = state.data;
  for (let c = 0; c < d; c++) {
    for (let j = 0; j < hist; j++) ext[j] = sd[c * hist + j]!;
    for (let t = 0; t < n; t++) ext[hist + t] = xd[t * d + c]!;
    const wo = c * kw;
    const bias = b ? b.data[c]! : 0;
    for (let t = 0; t < n; t++) {
      let acc = bias;
      for (let j = 0; j < kw; j++) acc += w.data[wo + j]! * ext[t + j]!;
      // rounded to f32 first, as the unfused conv's output was before the silu op read it
      out[t * d + c] = activation === "silu" ? siluOf(Math.fround(acc)) : acc;
    }
    for (let j = 0; j < hist; j++) sd[c * hist + j] = ext[n + j]!;
  }
  return tensor([n, d], out);
}
