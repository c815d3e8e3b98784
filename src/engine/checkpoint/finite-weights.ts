/**
 * Finds the first NaN or ±Inf in a stored tensor, in its stored encoding (no widening). A checkpoint saved
 * from a diverged run holds them; loaded as they are, every forward pass gives NaN logits, which surface far
 * from the cause (a score of null, a 500 from sampling). So the store refuses them at load.
 */
import type { StoredTensor } from "../tensor.ts";
import { bf16BitsToF32, f16BitsToF32 } from "./half-float.ts";

/** An f16 word with every exponent bit set is Inf (mantissa 0) or NaN. */
const F16_EXPONENT = 0x7c00;
/** The same for bf16, whose exponent is f32's. */
const BF16_EXPONENT = 0x7f80;

/** The first non-finite element: its flat index and value; null when every element is finite. */
export function firstNonFinite(t: StoredTensor): { index: number; value: number } | null {
  const v = t.values;
  if (t.dtype === "F32") {
    for (let i = 0; i < v.length; i++) {
      // x − x is 0 for every finite x, NaN for NaN and ±Inf: one subtraction per element.
      const x = v[i] as number;
      if (x - x !== 0) return { index: i, value: x };
    }
    return null;
  }
  const mask = t.dtype === "F16" ? F16_EXPONENT : BF16_EXPONENT;
  for (let i = 0; i < v.length; i++) {
    const w = v[i] as number;
    if ((w & mask) === mask) return { index: i, value: t.dtype === "F16" ? f16BitsToF32(w) : bf16BitsToF32(w) };
  }
  return null;
}
