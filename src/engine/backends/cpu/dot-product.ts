/** a[ao…ao+len) · b[bo…bo+len) with four partial sums, so the adds do not wait on one another. */
export function dotProduct(a: Float32Array, ao: number, b: Float32Array, bo: number, len: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let e = 0;
  for (; e + 4 <= len; e += 4) {
    s0 += a[ao + e]! * b[bo + e]!;
    s1 += a[ao + e + 1]! * b[bo + e + 1]!;
    s2 += a[ao + e + 2]! * b[bo + e + 2]!;
    s3 += a[ao + e + 3]! * b[bo + e + 3]!;
  }
  for (; e < len; e++) s0 += a[ao + e]! * b[bo + e]!;
  return s0 + s1 + (s2 + s3);
}
