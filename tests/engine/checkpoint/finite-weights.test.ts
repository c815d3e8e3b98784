import { describe, expect, it } from "vitest";
import { firstNonFinite } from "../../../src/engine/checkpoint/finite-weights.ts";
import { bf16BitsToF32, f16BitsToF32 } from "../../../src/engine/checkpoint/half-float.ts";

const every16BitWord = Uint16Array.from({ length: 65_536 }, (_, i) => i);

describe("firstNonFinite", () => {
  it.each([
    ["F16", f16BitsToF32],
    ["BF16", bf16BitsToF32],
  ] as const)("agrees with Number.isFinite on every %s word", (dtype, widen) => {
    const disagree = every16BitWord.filter((w) => (firstNonFinite({ shape: [1], dtype, values: Uint16Array.of(w) }) === null) !== Number.isFinite(widen(w)));
    expect([...disagree].map((w) => `0x${w.toString(16)}`)).toEqual([]);
  });

  it("finds NaN, Inf and -Inf in f32, and passes the largest finite values", () => {
    const finite = Float32Array.of(0, -0, 3.4028234663852886e38, -3.4028234663852886e38, 1e-45);
    expect(firstNonFinite({ shape: [5], dtype: "F32", values: finite })).toBeNull();
    for (const bad of [Number.NaN, Infinity, -Infinity]) {
      const values = Float32Array.of(1, 2, bad, 4, bad);
      expect(firstNonFinite({ shape: [5], dtype: "F32", values })).toEqual({ index: 2, value: bad });
    }
  });
});
