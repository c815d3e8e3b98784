import { tensor, type HostTensor } from "../../tensor.ts";
import { selectiveScanDims } from "../../op-shapes.ts";

/**
 * Mamba-1 selective scan, sequential over tokens (O(n·d·s), state kept in f32 like the reference):
 *   hₜ = exp(Δₜ·A) ⊙ hₜ₋₁ + Δₜ·Bₜ·uₜ ;  yₜ = hₜ·Cₜ + D·uₜ
 * u, delta [n, d], A [d, s], B, C [n, s], D [d], state [d, s] → y [n, d]; state updated in place.
 */
export function selectiveScan(u: HostTensor, delta: HostTensor, A: HostTensor, B: HostTensor, C: HostTensor, D: HostTensor, state: HostTensor): HostTensor {
  const { n, d, s } = selectiveScanDims(u, delta, A, B, C, D, state);
  const y = new Float32Array(n * d);
  const h = state.data;
  const ad = A.data;
  const bd = B.data;
  const cd = C.data;
  for (let t = 0; t < n; t++) {
    const bo = t * s;
    for (let c = 0; c < d; c++) {
      const dt = delta.data[t * d + c]!;
      const uu = u.data[t * d + c]!;
      const du = dt * uu;
      const ho = c * s;
      let acc = 0;
      for (let j = 0; j < s; j++) {
        const hv = Math.fround(Math.exp(dt * ad[ho + j]!) * h[ho + j]! + du * bd[bo + j]!);
        h[ho + j] = hv;
        acc += hv * cd[bo + j]!;
      }
      y[t * d + c] = acc + D.data[c]! * uu;
    }
  }
  return tensor([n, d], y);
}
