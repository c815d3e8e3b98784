import { describe, expect, it } from "vitest";
import { bf16BitsToF32, f16BitsToF32, f32ToBf16Bits, f32ToF16Bits } from "../../../src/engine/checkpoint/half-float.ts";

const f32 = (x: number) => Math.fround(x);
const hex = (n: number) => `0x${n.toString(16).padStart(4, "0")}`;

describe("f16", () => {
  it.each([
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff], // largest finite
    [65520, 0x7c00], // halfway to the next step: ties to even, which is Inf
    [65519, 0x7bff],
    [Infinity, 0x7c00],
    [-Infinity, 0xfc00],
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // half the smallest subnormal: ties to even zero
    [f32(2 ** -25 * 1.0001), 0x0001], // just above half: rounds up
    [3 * 2 ** -25, 0x0002], // 1.5 subnormal steps: ties to even (2)
    [1 + 2 ** -11, 0x3c00], // tie between 1 and 1+2^-10: even mantissa (1)
    [1 + 3 * 2 ** -11, 0x3c02], // tie between 1+2^-10 and 1+2^-9: even (2^-9)
    [f32(1 + 2 ** -11 + 2 ** -20), 0x3c01], // above the tie: up
    [2 ** -14 - 2 ** -25, 0x0400], // largest subnormal rounding carries into the smallest normal
  ])("narrows %s to %s", (value, bits) => {
    expect(hex(f32ToF16Bits(value))).toBe(hex(bits));
  });

  it("round-trips every non-NaN f16 pattern exactly", () => {
    const wrong: string[] = [];
    for (let h = 0; h < 0x10000; h++) {
      const exp = (h >> 10) & 0x1f;
      if (exp === 0x1f && (h & 0x3ff) !== 0) continue;
      if (f32ToF16Bits(f16BitsToF32(h)) !== h) wrong.push(hex(h));
    }
    expect(wrong).toEqual([]);
  });

  it("keeps NaN a NaN both ways, quiet and with its sign", () => {
    expect(Number.isNaN(f16BitsToF32(0x7e00))).toBe(true);
    expect(Number.isNaN(f16BitsToF32(0x7c01))).toBe(true);
    const bits = f32ToF16Bits(Number.NaN);
    expect(bits & 0x7c00).toBe(0x7c00);
    expect(bits & 0x3ff).not.toBe(0);
  });

  it("reads subnormals and the extremes", () => {
    expect(f16BitsToF32(0x0001)).toBe(2 ** -24);
    expect(f16BitsToF32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(f16BitsToF32(0x7bff)).toBe(65504);
    expect(f16BitsToF32(0xfc00)).toBe(-Infinity);
    expect(Object.is(f16BitsToF32(0x8000), -0)).toBe(true);
  });
});

describe("bf16", () => {
  it.each([
    [1, 0x3f80],
    [-0, 0x8000],
    [Infinity, 0x7f80],
    [-Infinity, 0xff80],
    [f32(1 + 2 ** -8), 0x3f80], // tie: even (1)
    [f32(1 + 3 * 2 ** -8), 0x3f82], // tie: even
    [f32(1 + 2 ** -8 + 2 ** -20), 0x3f81], // above the tie: up
    [3.3895313892515355e38, 0x7f7f], // largest finite bf16
    [f32(3.3961775292304e38), 0x7f80], // the tie above it rounds to Inf
    [2 ** -133, 0x0001], // bf16 subnormal
  ])("narrows %s to %s", (value, bits) => {
    expect(hex(f32ToBf16Bits(value))).toBe(hex(bits));
  });

  it("keeps NaN a NaN even when rounding would carry its payload into Inf", () => {
    const f = new Float32Array(1);
    new Uint32Array(f.buffer)[0] = 0x7f80ffff; // NaN whose only payload bits are below bf16's mantissa
    const bits = f32ToBf16Bits(f[0] as number);
    expect(Number.isNaN(bf16BitsToF32(bits))).toBe(true);
    expect(Number.isNaN(bf16BitsToF32(f32ToBf16Bits(Number.NaN)))).toBe(true);
  });

  it("round-trips every non-NaN bf16 pattern exactly", () => {
    const wrong: string[] = [];
    for (let h = 0; h < 0x10000; h++) {
      if ((h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0) continue;
      if (f32ToBf16Bits(bf16BitsToF32(h)) !== h) wrong.push(hex(h));
    }
    expect(wrong).toEqual([]);
  });
});
