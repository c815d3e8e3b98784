import { describe, expect, it } from "vitest";
import { cpuOps as ops } from "../../../src/engine/backends/cpu/index.ts";
import { tensor } from "../../../src/engine/tensor.ts";
import { randomTensor, rng, worstRatio } from "./random-tensor.ts";

describe("rope", () => {
  const invFreq = tensor([3], Float32Array.from([1, 0.1, 0.01]));
  /** A position counter [1] holding `p`. */
  const at = (p: number) => tensor([1], Float32Array.of(p));

  it("rotates each pair (i, i + r/2) by position·invFreq[i] and passes the dims beyond r", () => {
    const x = randomTensor(rng(3), [4, 2, 8]);
    const got = ops.rope(x, at(5), invFreq, 1);
    const want = new Float32Array(x.data);
    for (let t = 0; t < 4; t++) {
      for (let h = 0; h < 2; h++) {
        const o = (t * 2 + h) * 8;
        for (let i = 0; i < 3; i++) {
          const angle = (5 + t) * invFreq.data[i]!;
          const [a, b] = [x.data[o + i]!, x.data[o + i + 3]!];
          want[o + i] = a * Math.cos(angle) - b * Math.sin(angle);
          want[o + i + 3] = b * Math.cos(angle) + a * Math.sin(angle);
        }
      }
    }
    expect(worstRatio(got.data, want)).toBeLessThanOrEqual(1);
    expect(Array.from(got.data.subarray(6, 8))).toEqual(Array.from(x.data.subarray(6, 8)));
  });

  it("makes q·k depend only on the distance between positions", () => {
    const next = rng(4);
    const q = randomTensor(next, [1, 1, 6]);
    const k = randomTensor(next, [1, 1, 6]);
    const dot = (qs: number, ks: number) => {
      const a = ops.rope(q, at(qs), invFreq, 1).data;
      const b = ops.rope(k, at(ks), invFreq, 1).data;
      return a.reduce((s, v, i) => s + v * b[i]!, 0);
    };
    expect(Math.abs(dot(7, 3) - dot(104, 100))).toBeLessThan(1e-5);
  });

  it("reads the start position from pos and rejects a pos that is not one integer ≥ 0", () => {
    const x = randomTensor(rng(5), [3, 1, 6]);
    const whole = ops.rope(x, at(2), invFreq, 1).data;
    const last = ops.rope(tensor([1, 1, 6], x.data.slice(12)), at(4), invFreq, 1).data;
    expect(Array.from(last)).toEqual(Array.from(whole.subarray(12)));
    expect(() => ops.rope(x, at(0.5), invFreq, 1)).toThrow(/pos must be one integer/);
    expect(() => ops.rope(x, tensor([2], Float32Array.of(1, 2)), invFreq, 1)).toThrow(/pos must be one integer/);
  });
});
