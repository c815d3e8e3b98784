import { tensor, type HostTensor } from "../../tensor.ts";
import { ssdScanDims } from "../../op-shapes.ts";

/**
 * Mamba-2 SSD scan in its recurrent form, sequential over tokens (O(n·h·p·s)); on a CPU this beats the chunked
 * matmul form, which only pays off with tensor cores. The chunked HF path computes the same recurrence.
 *   hₜ = exp(Δₜ·A) · hₜ₋₁ + Δₜ · xₜ ⊗ Bₜ ;  yₜ = hₜ·Cₜ + D·xₜ
 * x [n, h, p], dt [n, h], A [h], B, C [n, g, s], D [h], state [h, p, s] → y [n, h·p]; state updated in place.
 * Head i reads group ⌊i / (h/g)⌋ of B and C (repeat_interleave in HF).
 */
export function ssdScan(x: HostTensor, dt: HostTensor, A: HostTensor, B: HostTensor, C: HostTensor, D: HostTensor, state: HostTensor): HostTensor {
  const { n, h: nh, p, g, s } = ssdScanDims(x, dt, A, B, C, D, state);
  const headsPerGroup = nh / g;
  const y = new Float32Array(n * nh * p);
  const st = state.data;
  const xd = x.data;
  const bd = B.data;
  const cd = C.data;
  for (let t = 0; t < n; t++) {
    for (let hh = 0; hh < nh; hh++) {
      const dtv = dt.data[t * nh + hh]!;
      const dA = Math.exp(dtv * A.data[hh]!);
      const go = (t * g + Math.floor(hh / headsPerGroup)) * s;
      const dd = D.data[hh]!;
      for (let pi = 0; pi < p; pi++) {
        const xi = (t * nh + hh) * p + pi;
        const xv = xd[xi]!;
        const dx = dtv * xv;
        const so = (hh * p + pi) * s;
        let acc = 0;
        for (let j = 0; j < s; j++) {
          const hv = Math.fround(st[so + j]! * dA + dx * bd[go + j]!);
          st[so + j] = hv;
          acc += hv * cd[go + j]!;
        }
        y[xi] = acc + dd * xv;
      }
    }
  }
  return tensor([n, nh * p], y);
}
