import { describe, expect, it } from "vitest";
import { cpuOps as ops } from "../../../src/engine/backends/cpu/index.ts";
import { tensor } from "../../../src/engine/tensor.ts";
import { randomTensor, rng, worstRatio } from "./random-tensor.ts";

const t = (shape: number[], values: number[]) => tensor(shape, Float32Array.from(values));

describe("elementwise ops", () => {
  it("silu, softplus, exp, scale, clamp follow their formulas", () => {
    const x = t([4], [-3, -0.5, 0.5, 25]);
    expect(worstRatio(ops.silu(x).data, [-3 / (1 + Math.exp(3)), -0.5 / (1 + Math.exp(0.5)), 0.5 / (1 + Math.exp(-0.5)), 25])).toBeLessThanOrEqual(1);
    // above 20 softplus returns x itself, as torch does (threshold 20)
    expect(worstRatio(ops.softplus(x).data, [Math.log1p(Math.exp(-3)), Math.log1p(Math.exp(-0.5)), Math.log1p(Math.exp(0.5)), 25])).toBeLessThanOrEqual(1);
    expect(worstRatio(ops.exp(x).data, [Math.exp(-3), Math.exp(-0.5), Math.exp(0.5), Math.exp(25)])).toBeLessThanOrEqual(1);
    expect(Array.from(ops.scale(x, -2).data)).toEqual([6, 1, -1, -50]);
    expect(Array.from(ops.clamp(x, -1, 1).data)).toEqual([-1, -0.5, 0.5, 1]);
  });

  it("add, mul, siluMul and addBias combine elementwise and reject mismatched shapes", () => {
    const a = t([2, 2], [1, 2, 3, 4]);
    const b = t([2, 2], [5, 6, 7, 8]);
    expect(Array.from(ops.add(a, b).data)).toEqual([6, 8, 10, 12]);
    expect(Array.from(ops.mul(a, b).data)).toEqual([5, 12, 21, 32]);
    expect(worstRatio(ops.siluMul(a, b).data, ops.mul(ops.silu(a), b).data)).toBeLessThanOrEqual(1);
    expect(Array.from(ops.addBias(a, t([2], [10, 20])).data)).toEqual([11, 22, 13, 24]);
    expect(() => ops.add(a, t([4], [1, 2, 3, 4]))).toThrow(/add: shapes/);
  });

  it("softmax rows sum to one and survive large logits", () => {
    const x = randomTensor(rng(5), [3, 7], -50, 50);
    const p = ops.softmax(x);
    for (let i = 0; i < 3; i++) {
      const row = p.data.subarray(i * 7, i * 7 + 7);
      expect(Math.abs(row.reduce((s, v) => s + v, 0) - 1)).toBeLessThan(1e-6);
    }
    expect(Array.from(ops.softmax(t([1, 2], [1000, 1000])).data)).toEqual([0.5, 0.5]);
  });

  it("topk returns the largest entries in order, lower index first on ties", () => {
    const { values, indices } = ops.topk(t([2, 4], [0.1, 0.4, 0.4, 0.1, 3, 1, 2, 0]), 2);
    expect(indices.shape).toEqual([2, 2]);
    expect(values.shape).toEqual([2, 2]);
    expect(Array.from(indices.data)).toEqual([1, 2, 0, 2]);
    expect(Array.from(values.data)).toEqual([Math.fround(0.4), Math.fround(0.4), 3, 2]);
    expect(() => ops.topk(t([1, 2], [1, 2]), 3)).toThrow(/k = 3 outside/);
  });
});

describe("siluAndMul", () => {
  it("is siluMul of the two halves of each row, bit for bit", () => {
    const next = rng(9);
    const x = randomTensor(next, [4, 14], -6, 6);
    const got = ops.siluAndMul(x);
    const want = ops.siluMul(ops.sliceCols(x, 0, 7), ops.sliceCols(x, 7, 7));
    expect(got.shape).toEqual([4, 7]);
    expect(Array.from(got.data)).toEqual(Array.from(want.data));
    expect(() => ops.siluAndMul(randomTensor(next, [2, 5]))).toThrow(/odd/);
  });
});
