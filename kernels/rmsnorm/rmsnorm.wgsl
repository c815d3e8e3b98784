// RMSNorm over the last dim (LlamaRMSNorm), the CPU op `rmsnorm` (src/engine/backends/cpu/norm.ts):
//   y[i, j] = (x[i, j] · rsqrt(mean_j(x[i, :]²) + eps)) · w[j]
// Layouts (row-major f32): x [n, d], w [d], y [n, d].
// Versions: v1 (current) — one workgroup of 256 invocations per row; each sums a strided slice of squares
//   (adjacent invocations read adjacent floats), a shared-memory tree adds the 256 partials, then every
//   invocation scales its slice. Rows go on a 2-D grid (x + y·65535) so n may exceed one grid dimension.

struct Params { n: u32, d: u32, eps: f32, pad: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

const WG: u32 = 256u;
var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn rmsnorm(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
           @builtin(local_invocation_index) tid: u32) {
  let row = wg.x + wg.y * nwg.x;
  if (row >= P.n) { return; } // workgroup-uniform: the whole group leaves together
  let o = row * P.d;
  var ss = 0.0;
  for (var j = tid; j < P.d; j += WG) { let v = x[o + j]; ss += v * v; }
  partial[tid] = ss;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (tid < stride) { partial[tid] += partial[tid + stride]; }
    workgroupBarrier();
  }
  let inv = 1.0 / sqrt(partial[0] / f32(P.d) + P.eps);
  for (var j = tid; j < P.d; j += WG) { y[o + j] = (x[o + j] * inv) * w[j]; }
}
