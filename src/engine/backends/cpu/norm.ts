import { tensor, type HostTensor } from "../../tensor.ts";
import { dims2, expectShape, ShapeError } from "../../shape-check.ts";
import { add } from "./elementwise.ts";

/** RMSNorm over the last dim (LlamaRMSNorm): x [n, d], w [d] → x · rsqrt(mean(x²) + eps) · w. */
export function rmsnorm(x: HostTensor, w: HostTensor, eps: number): HostTensor {
  const [n, d] = dims2("rmsnorm", "x", x);
  expectShape("rmsnorm", "w", w, [d]);
  const out = new Float32Array(n * d);
  const xd = x.data;
  const wd = w.data;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    let ss = 0;
    for (let j = 0; j < d; j++) ss += xd[o + j]! * xd[o + j]!;
    // PyTorch rounds the normalised value to the input dtype before the weight multiply; f32 throughout here.
    const inv = 1 / Math.sqrt(ss / d + eps);
    for (let j = 0; j < d; j++) out[o + j] = Math.fround(xd[o + j]! * inv) * wd[j]!;
  }
  return tensor([n, d], out);
}

/** x + r, then its RMSNorm: the sum is the add op's, the norm the rmsnorm op's. x, r [n, d], w [d]. */
export function addRmsnorm(x: HostTensor, r: HostTensor, w: HostTensor, eps: number): { sum: HostTensor; normed: HostTensor } {
  const sum = add(x, r);
  return { sum, normed: rmsnorm(sum, w, eps) };
}

/**
 * Gated RMSNorm (norm_before_gate = false): y = norm(x · silu(z)) · w with the mean over each group of
 * `groupSize` contiguous channels. x, z [n, d], w [d] → [n, d].
 */
export function gatedRmsnorm(x: HostTensor, z: HostTensor, w: HostTensor, eps: number, groupSize: number): HostTensor {
  const [n, d] = dims2("gatedRmsnorm", "x", x);
  expectShape("gatedRmsnorm", "z", z, [n, d]);
  expectShape("gatedRmsnorm", "w", w, [d]);
  if (!Number.isInteger(groupSize) || groupSize < 1 || d % groupSize !== 0) {
    throw new ShapeError(`gatedRmsnorm: group size ${groupSize} does not divide ${d}`);
  }
  const out = new Float32Array(n * d);
  const xd = x.data;
  const zd = z.data;
  for (let i = 0; i < n; i++) {
    const o = i * d;
    for (let j = 0; j < d; j++) {
      const g = zd[o + j]!;
      out[o + j] = xd[o + j]! * (g / (1 + Math.exp(-g)));
    }
    for (let g0 = 0; g0 < d; g0 += groupSize) {
      let ss = 0;
      for (let j = g0; j < g0 + groupSize; j++) ss += out[o + j]! * out[o + j]!;
      const inv = 1 / Math.sqrt(ss / groupSize + eps);
      for (let j = g0; j < g0 + groupSize; j++) out[o + j] = Math.fround(out[o + j]! * inv) * w.data[j]!;
    }
  }
  return tensor([n, d], out);
}
