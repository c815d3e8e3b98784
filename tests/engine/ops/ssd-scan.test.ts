import { describe, expect, it } from "vitest";
import { cpuOps as ops } from "../../../src/engine/backends/cpu/index.ts";
import { tensor, type HostTensor } from "../../../src/engine/tensor.ts";
import { concatRows, randomTensor, rng, rows, worstRatio } from "./random-tensor.ts";

/**
 * SSD's quadratic ("attention") form, the dual of the recurrence:
 *   yₜ[h,p] = Σ_{τ≤t} (Cₜ[g]·B_τ[g]) · exp(A[h]·Σ_{r=τ+1..t} Δᵣ[h]) · Δ_τ[h] · x_τ[h,p] + D[h]·xₜ[h,p],  g = ⌊h/(H/G)⌋
 */
function quadraticForm(x: HostTensor, dt: HostTensor, A: HostTensor, B: HostTensor, C: HostTensor, D: HostTensor): number[] {
  const [n, H, P] = [x.shape[0]!, x.shape[1]!, x.shape[2]!];
  const [G, N] = [B.shape[1]!, B.shape[2]!];
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / (H / G));
      for (let p = 0; p < P; p++) {
        let y = D.data[h]! * x.data[(t * H + h) * P + p]!;
        for (let tau = 0; tau <= t; tau++) {
          let cb = 0;
          for (let j = 0; j < N; j++) cb += C.data[(t * G + g) * N + j]! * B.data[(tau * G + g) * N + j]!;
          let decay = 0;
          for (let r = tau + 1; r <= t; r++) decay += dt.data[r * H + h]!;
          y += cb * Math.exp(A.data[h]! * decay) * dt.data[tau * H + h]! * x.data[(tau * H + h) * P + p]!;
        }
        out.push(y);
      }
    }
  }
  return out;
}

describe("ssdScan (Mamba-2)", () => {
  // sizes deliberately not multiples of any chunk size: 19 tokens, 4 heads in 2 groups
  const [n, H, P, G, N] = [19, 4, 3, 2, 5];
  const next = rng(21);
  const x = randomTensor(next, [n, H, P]);
  const dt = randomTensor(next, [n, H], 0.01, 0.5);
  const A = randomTensor(next, [H], -3, -0.2);
  const B = randomTensor(next, [n, G, N]);
  const C = randomTensor(next, [n, G, N]);
  const D = randomTensor(next, [H]);

  it("equals the quadratic (attention-like) dual form, with B/C shared per group", () => {
    const y = ops.ssdScan(x, dt, A, B, C, D, tensor([H, P, N]));
    expect(y.shape).toEqual([n, H * P]);
    expect(worstRatio(y.data, quadraticForm(x, dt, A, B, C, D), 1e-5, 1e-4)).toBeLessThanOrEqual(1);
  });

  it("carries its state across uneven calls (decode steps = prefill)", () => {
    const whole = tensor([H, P, N]);
    const yWhole = ops.ssdScan(x, dt, A, B, C, D, whole);
    const state = tensor([H, P, N]);
    const parts = [[0, 1], [1, 8], [8, 9], [9, 19]].map(([s, e]) =>
      ops.ssdScan(rows(x, s!, e!), rows(dt, s!, e!), A, rows(B, s!, e!), rows(C, s!, e!), D, state),
    );
    expect(worstRatio(concatRows(parts).data, yWhole.data)).toBeLessThanOrEqual(1);
    expect(worstRatio(state.data, whole.data)).toBeLessThanOrEqual(1);
  });

  it("rejects groups that do not divide the heads", () => {
    const B3 = randomTensor(next, [n, 3, N]);
    expect(() => ops.ssdScan(x, dt, A, B3, B3, D, tensor([H, P, N]))).toThrow(/3 groups do not divide 4 heads/);
  });
});
