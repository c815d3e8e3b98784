import { describe, expect, it } from "vitest";
import { cpuOps as ops } from "../../../src/engine/backends/cpu/index.ts";
import { ShapeError } from "../../../src/engine/shape-check.ts";
import { tensor, type HostTensor } from "../../../src/engine/tensor.ts";
import { randomTensor, rng, worstRatio } from "./random-tensor.ts";

/**
 * Each token on its own, in f64: y[t] = Σⱼ weights[t, j] · down_e · (silu(gate_e · x[t]) ⊙ (up_e · x[t])),
 * e = indices[t, j]; gate, up [e, f, d], down [e, d, f].
 */
function perToken(x: HostTensor, gate: HostTensor, up: HostTensor, down: HostTensor, indices: HostTensor, weights: HostTensor): number[] {
  const [n, d] = [x.shape[0]!, x.shape[1]!];
  const f = gate.shape[1]!;
  const k = indices.shape[1]!;
  const out: number[] = [];
  for (let t = 0; t < n; t++) {
    const y = new Array<number>(d).fill(0);
    for (let j = 0; j < k; j++) {
      const e = indices.data[t * k + j]!;
      const w = weights.data[t * k + j]!;
      const hidden = Array.from({ length: f }, (_, r) => {
        let g = 0;
        let u = 0;
        for (let c = 0; c < d; c++) {
          g += gate.data[(e * f + r) * d + c]! * x.data[t * d + c]!;
          u += up.data[(e * f + r) * d + c]! * x.data[t * d + c]!;
        }
        return (g / (1 + Math.exp(-g))) * u;
      });
      for (let c = 0; c < d; c++) {
        let s = 0;
        for (let r = 0; r < f; r++) s += down.data[(e * d + c) * f + r]! * hidden[r]!;
        y[c]! += w * s;
      }
    }
    out.push(...y);
  }
  return out;
}

describe("experts", () => {
  const [n, d, f, count, k] = [7, 6, 5, 4, 2];
  const next = rng(21);
  const x = randomTensor(next, [n, d]);
  const gate = randomTensor(next, [count, f, d]);
  const up = randomTensor(next, [count, f, d]);
  const down = randomTensor(next, [count, d, f]);

  it("equals the per-token sum of its routed SwiGLU experts, weighted (routing by a softmax router's top-k)", () => {
    const probs = ops.softmax(randomTensor(next, [n, count], -3, 3));
    const { values, indices } = ops.topk(probs, k);
    const got = ops.experts(x, gate, up, down, indices, values);
    expect(got.shape).toEqual([n, d]);
    expect(worstRatio(got.data, perToken(x, gate, up, down, indices, values))).toBeLessThanOrEqual(1);
  });

  it("skips experts no token is routed to and adds duplicate routes", () => {
    // expert 3 gets no token; token 2 routes to expert 1 twice; a zero weight contributes nothing
    const indices = tensor([n, k], Float32Array.from([0, 1, 1, 2, 1, 1, 2, 0, 0, 2, 1, 0, 2, 1]));
    const weights = tensor([n, k], Float32Array.from([0.7, 0.3, 0.5, 0.5, 0.25, 0.75, 1, 0, 0.6, 0.4, 0.9, 0.1, 0.2, 0.8]));
    const got = ops.experts(x, gate, up, down, indices, weights);
    expect(worstRatio(got.data, perToken(x, gate, up, down, indices, weights))).toBeLessThanOrEqual(1);
  });

  it("gives each token the same output whatever other tokens share the call", () => {
    const { values, indices } = ops.topk(ops.softmax(randomTensor(next, [n, count], -3, 3)), k);
    const all = ops.experts(x, gate, up, down, indices, values);
    for (const t of [0, 4, 6]) {
      const one = ops.experts(ops.rows(x, t, 1), gate, up, down, ops.rows(indices, t, 1), ops.rows(values, t, 1));
      expect(worstRatio(one.data, all.data.subarray(t * d, (t + 1) * d))).toBeLessThanOrEqual(1);
    }
  });

  it("rejects stacks and routes whose shapes do not fit", () => {
    const { values, indices } = ops.topk(ops.softmax(randomTensor(next, [n, count])), k);
    expect(() => ops.experts(x, tensor([count, f, d + 1]), up, down, indices, values)).toThrow(ShapeError);
    expect(() => ops.experts(x, gate, tensor([count, f + 1, d]), down, indices, values)).toThrow(/up must be/);
    expect(() => ops.experts(x, gate, up, tensor([count, f, d]), indices, values)).toThrow(/down must be/);
    expect(() => ops.experts(x, gate, up, down, ops.rows(indices, 0, n - 1), values)).toThrow(/indices/);
    expect(() => ops.experts(x, gate, up, down, indices, ops.rows(values, 0, n - 1))).toThrow(/weights must be/);
  });
});
