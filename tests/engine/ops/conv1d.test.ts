import { describe, expect, it } from "vitest";
import { cpuOps as ops } from "../../../src/engine/backends/cpu/index.ts";
import { tensor } from "../../../src/engine/tensor.ts";
import { concatRows, randomTensor, rng, rows, worstRatio } from "./random-tensor.ts";

/** PyTorch Conv1d(groups = d, padding = kw − 1), first n outputs: y[t, c] = b[c] + Σⱼ w[c, j]·x[t − kw + 1 + j, c]. */
function naiveConv(x: number[][], w: number[][], b: number[]): number[] {
  const kw = w[0]!.length;
  return x.flatMap((_, t) =>
    b.map((bias, c) => {
      let acc = bias;
      for (let j = 0; j < kw; j++) {
        const src = t - kw + 1 + j;
        if (src >= 0) acc += w[c]![j]! * x[src]![c]!;
      }
      return acc;
    }),
  );
}

describe("conv1dCausal", () => {
  const [n, d, kw] = [11, 5, 4];
  const next = rng(7);
  const x = randomTensor(next, [n, d]);
  const w = randomTensor(next, [d, kw]);
  const b = randomTensor(next, [d]);
  const toRows = (data: Float32Array, width: number) => Array.from({ length: data.length / width }, (_, i) => Array.from(data.subarray(i * width, i * width + width)));

  it("equals the zero-padded depthwise convolution from an empty state", () => {
    const got = ops.conv1dCausal(x, w, b, tensor([d, kw - 1]));
    expect(worstRatio(got.data, naiveConv(toRows(x.data, d), toRows(w.data, kw), Array.from(b.data)))).toBeLessThanOrEqual(1);
  });

  it("continues exactly from its state across uneven calls (decode = prefill)", () => {
    const whole = ops.conv1dCausal(x, w, b, tensor([d, kw - 1]));
    const state = tensor([d, kw - 1]);
    const parts = [[0, 2], [2, 3], [3, 9], [9, 10], [10, 11]].map(([s, e]) => ops.conv1dCausal(rows(x, s!, e!), w, b, state));
    expect(worstRatio(concatRows(parts).data, whole.data)).toBeLessThanOrEqual(1);
    // the state ends holding the last kw − 1 inputs, oldest first
    expect(Array.from(state.data.subarray(0, kw - 1))).toEqual([x.data[(n - 3) * d]!, x.data[(n - 2) * d]!, x.data[(n - 1) * d]!]);
  });
});

describe("conv1dCausal with activation silu", () => {
  it("is the silu op on the plain convolution's output, bit for bit, and rolls the state the same", () => {
    const next = rng(11);
    const [n, d, kw] = [9, 6, 4];
    const x = randomTensor(next, [n, d]);
    const w = randomTensor(next, [d, kw]);
    const state0 = randomTensor(next, [d, kw - 1]);
    const [s1, s2] = [tensor(state0.shape, state0.data.slice()), tensor(state0.shape, state0.data.slice())];
    const fused = ops.conv1dCausal(x, w, undefined, s1, "silu");
    const plain = ops.silu(ops.conv1dCausal(x, w, undefined, s2));
    expect(Array.from(fused.data)).toEqual(Array.from(plain.data));
    expect(Array.from(s1.data)).toEqual(Array.from(s2.data));
  });
});
