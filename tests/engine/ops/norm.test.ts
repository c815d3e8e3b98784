import { describe, expect, it } from "vitest";
import { cpuOps as ops } from "../../../src/engine/backends/cpu/index.ts";
import { randomTensor, rng, worstRatio } from "./random-tensor.ts";

function naiveRms(x: number[], w: number[], eps: number): number[] {
  const ms = x.reduce((s, v) => s + v * v, 0) / x.length;
  return x.map((v, i) => (v / Math.sqrt(ms + eps)) * w[i]!);
}

describe("rmsnorm", () => {
  it("normalises every row by its root mean square, then scales by the weight", () => {
    const next = rng(1);
    const x = randomTensor(next, [3, 10], -4, 4);
    const w = randomTensor(next, [10]);
    const got = ops.rmsnorm(x, w, 1e-5);
    const want = [0, 1, 2].flatMap((i) => naiveRms(Array.from(x.data.subarray(i * 10, i * 10 + 10)), Array.from(w.data), 1e-5));
    expect(worstRatio(got.data, want)).toBeLessThanOrEqual(1);
  });
});

describe("gatedRmsnorm", () => {
  it.each([12, 4])("equals norm(x·silu(z))·w per group of %i channels", (group) => {
    const next = rng(group);
    const x = randomTensor(next, [2, 12], -3, 3);
    const z = randomTensor(next, [2, 12], -3, 3);
    const w = randomTensor(next, [12]);
    const got = ops.gatedRmsnorm(x, z, w, 1e-6, group);
    const gated = ops.mul(x, ops.silu(z)).data;
    const want: number[] = [];
    for (let i = 0; i < 2; i++) {
      for (let g = 0; g < 12; g += group) {
        want.push(...naiveRms(Array.from(gated.subarray(i * 12 + g, i * 12 + g + group)), Array.from(w.data.subarray(g, g + group)), 1e-6));
      }
    }
    expect(worstRatio(got.data, want)).toBeLessThanOrEqual(1);
  });

  it("rejects a group size that does not divide the channels", () => {
    const x = randomTensor(rng(2), [1, 6]);
    expect(() => ops.gatedRmsnorm(x, x, randomTensor(rng(3), [6]), 1e-6, 4)).toThrow(/group size 4 does not divide 6/);
  });
});

describe("addRmsnorm", () => {
  it("is add then rmsnorm, bit for bit, returning both the sum and its norm", () => {
    const next = rng(5);
    const [x, r, w] = [randomTensor(next, [3, 10]), randomTensor(next, [3, 10]), randomTensor(next, [10])];
    const { sum, normed } = ops.addRmsnorm(x, r, w, 1e-5);
    const s = ops.add(x, r);
    expect(Array.from(sum.data)).toEqual(Array.from(s.data));
    expect(Array.from(normed.data)).toEqual(Array.from(ops.rmsnorm(s, w, 1e-5).data));
    expect(() => ops.addRmsnorm(x, randomTensor(next, [2, 10]), w, 1e-5)).toThrow(/shapes/);
  });
});
