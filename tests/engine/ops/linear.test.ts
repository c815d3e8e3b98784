import { describe, expect, it } from "vitest";
import { cpuOps as ops } from "../../../src/engine/backends/cpu/index.ts";
import { gatherRows, scatterAddRows } from "../../../src/engine/backends/cpu/linear.ts";
import { tensor } from "../../../src/engine/tensor.ts";
import { randomTensor, rng, worstRatio } from "./random-tensor.ts";

describe("linear", () => {
  // 7 and 6 outputs: the 4×2 and 1×4 register blocks and their remainders
  it.each([
    [1, 7], [3, 6], [4, 7], [7, 6], [9, 7],
  ])("equals the naive x·Wᵀ + b for %i rows, %i outputs (block remainders included)", (n, m) => {
    const next = rng(n * m);
    const k = 13;
    const x = randomTensor(next, [n, k]);
    const w = randomTensor(next, [m, k]);
    const b = randomTensor(next, [m]);
    const want = new Float32Array(n * m);
    for (let i = 0; i < n; i++) {
      for (let o = 0; o < m; o++) {
        let s = b.data[o]!;
        for (let j = 0; j < k; j++) s += x.data[i * k + j]! * w.data[o * k + j]!;
        want[i * m + o] = s;
      }
    }
    const got = ops.linear(x, w, b);
    expect(got.shape).toEqual([n, m]);
    expect(worstRatio(got.data, want)).toBeLessThanOrEqual(1);
  });

  it("rejects operands that disagree on the inner dim", () => {
    expect(() => ops.linear(tensor([2, 3]), tensor([4, 5]))).toThrow(/linear: x \[2,3\] and w \[4,5\]/);
  });
});

describe("embedding, sliceCols, gatherRows, scatterAddRows", () => {
  it("embedding picks table rows and rejects ids outside the vocabulary", () => {
    const table = tensor([3, 2], Float32Array.from([0, 1, 10, 11, 20, 21]));
    expect(Array.from(ops.embedding(table, ops.tokens([2, 0])).data)).toEqual([20, 21, 0, 1]);
    expect(ops.embedding(table, ops.tokens([2, 0])).shape).toEqual([2, 2]);
    expect(() => ops.embedding(table, ops.tokens([3]))).toThrow(/token id 3 is outside \[0, 3\)/);
    // ops.tokens refuses negative ids itself; a raw ids tensor holding one reaches embedding's own check
    expect(() => ops.embedding(table, tensor([1], Float32Array.of(-1)))).toThrow(RangeError);
    expect(() => ops.tokens([-1])).toThrow(RangeError);
    expect(() => ops.embedding(table, tensor([1, 2], Float32Array.of(0, 1)))).toThrow(/ids must be rank 1/);
  });

  it("sliceCols takes a column window of every row", () => {
    const x = tensor([2, 4], Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
    expect(Array.from(ops.sliceCols(x, 1, 2).data)).toEqual([1, 2, 5, 6]);
    expect(() => ops.sliceCols(x, 3, 2)).toThrow(/outside 4 columns/);
  });

  it("scatterAddRows adds weighted rows back where gatherRows took them", () => {
    const x = tensor([3, 2], Float32Array.from([1, 2, 3, 4, 5, 6]));
    const idx = Int32Array.from([2, 0]);
    const picked = gatherRows(x, idx);
    expect(Array.from(picked.data)).toEqual([5, 6, 1, 2]);
    const out = tensor([3, 2]);
    scatterAddRows(out, picked, idx, Float32Array.from([0.5, 2]));
    scatterAddRows(out, picked, idx, Float32Array.from([0.5, 0]));
    expect(Array.from(out.data)).toEqual([2, 4, 0, 0, 5, 6]);
  });
});
