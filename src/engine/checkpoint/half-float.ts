/**
 * IEEE binary16 (f16) and bfloat16 (bf16) ⇄ f32, bit-exact: narrowing rounds to nearest, ties to even; NaN stays
 * NaN (sign and top payload bits kept, quiet bit forced so a payload cannot turn into Inf); ±Inf and signed zero
 * survive; f16 subnormals are produced and read. Host byte order is little-endian on every runtime we target,
 * matching safetensors, so typed-array views need no swapping.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** f32 bits of every f16 pattern, built on first use (256 KiB) so widening is one lookup per element. */
let f16Table: Uint32Array | null = null;

function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  if (mant === 0) return sign >>> 0;
  // Subnormal: m · 2^-24 is exact in f32.
  f32[0] = mant * 2 ** -24;
  return (sign | (u32[0] as number)) >>> 0;
}

function table(): Uint32Array {
  if (f16Table) return f16Table;
  const t = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) t[h] = f16BitsToF32Bits(h);
  f16Table = t;
  return t;
}

/** f32 → f16 bits, round to nearest even. */
export function f32ToF16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0] as number;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  const e = exp - 112; // rebias 127 → 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    // Below half the smallest subnormal (2^-25, which itself ties to even zero): signed zero.
    if (e < -10) return sign;
    const m = mant | 0x800000;
    const shift = 14 - e; // 14..24
    let h = m >>> shift;
    const rest = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rest > half || (rest === half && (h & 1) === 1)) h += 1; // may carry into the smallest normal: correct
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h += 1; // a carry may reach Inf: correct overflow
  return sign | h;
}

/** f16 bits → f32 value. */
export function f16BitsToF32(h: number): number {
  u32[0] = table()[h & 0xffff] as number;
  return f32[0] as number;
}

/** f32 → bf16 bits, round to nearest even. */
export function f32ToBf16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0] as number;
  if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) return ((x >>> 16) | 0x40) & 0xffff;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** bf16 bits → f32 value. */
export function bf16BitsToF32(h: number): number {
  u32[0] = (h & 0xffff) << 16;
  return f32[0] as number;
}

/** Widens little-endian f16 words to f32. */
export function widenF16(src: Uint16Array): Float32Array {
  const t = table();
  const out = new Uint32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = t[src[i] as number] as number;
  return new Float32Array(out.buffer);
}

/** Widens little-endian bf16 words to f32. */
export function widenBf16(src: Uint16Array): Float32Array {
  const out = new Uint32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = (src[i] as number) << 16;
  return new Float32Array(out.buffer);
}

/** Narrows f32 values to f16 words. */
export function narrowToF16(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f32ToF16Bits(src[i] as number);
  return out;
}

/** Narrows f32 values to bf16 words. */
export function narrowToBf16(src: Float32Array): Uint16Array {
  const out = new Uint16Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = f32ToBf16Bits(src[i] as number);
  return out;
}
