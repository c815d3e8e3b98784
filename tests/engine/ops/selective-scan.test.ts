import { describe, expect, it } from "vitest";
import { cpuOps as ops } from "../../../src/engine/backends/cpu/index.ts";
import { tensor, type HostTensor } from "../../../src/engine/tensor.ts";
import { concatRows, randomTensor, rng, rows, worstRatio } from "./random-tensor.ts";

/**
 * The scan unrolled in closed form (no recurrence): yₜ[c] = Σ_{τ≤t} Σⱼ Cₜ[j]·exp(A[c,j]·Σ_{r=τ+1..t} Δᵣ[c])·Δ_τ[c]·B_τ[j]·u_τ[c] + D[c]·uₜ[c]
 */
function closedForm(u: HostTensor, delta: HostTensor, A: HostTensor, B: HostTensor, C: HostTensor, D: HostTensor): number[] {
  const [n, d] = [u.shape[0]!, u.shape[1]!];
  const s = A.shape[1]!;
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    for (let c = 0; c < d; c++) {
      let y = D.data[c]! * u.data[t * d + c]!;
      for (let tau = 0; tau <= t; tau++) {
        let decaySum = 0;
        for (let r = tau + 1; r <= t; r++) decaySum += delta.data[r * d + c]!;
        for (let j = 0; j < s; j++) {
          y += C.data[t * s + j]! * Math.exp(A.data[c * s + j]! * decaySum) * delta.data[tau * d + c]! * B.data[tau * s + j]! * u.data[tau * d + c]!;
        }
      }
      out.push(y);
    }
  }
  return out;
}

describe("selectiveScan (Mamba-1)", () => {
  const [n, d, s] = [13, 6, 5];
  const next = rng(11);
  const u = randomTensor(next, [n, d]);
  const delta = randomTensor(next, [n, d], 0.01, 0.6);
  const A = randomTensor(next, [d, s], -2, -0.1);
  const B = randomTensor(next, [n, s]);
  const C = randomTensor(next, [n, s]);
  const D = randomTensor(next, [d]);

  it("equals the closed-form sum over past tokens", () => {
    const y = ops.selectiveScan(u, delta, A, B, C, D, tensor([d, s]));
    expect(y.shape).toEqual([n, d]);
    expect(worstRatio(y.data, closedForm(u, delta, A, B, C, D), 1e-5, 1e-4)).toBeLessThanOrEqual(1);
  });

  it("carries its state across calls: one token at a time equals the whole sequence", () => {
    const whole = tensor([d, s]);
    const yWhole = ops.selectiveScan(u, delta, A, B, C, D, whole);
    const state = tensor([d, s]);
    const steps = Array.from({ length: n }, (_, t) => ops.selectiveScan(rows(u, t, t + 1), rows(delta, t, t + 1), A, rows(B, t, t + 1), rows(C, t, t + 1), D, state));
    expect(worstRatio(concatRows(steps).data, yWhole.data)).toBeLessThanOrEqual(1);
    expect(worstRatio(state.data, whole.data)).toBeLessThanOrEqual(1);
  });
});
