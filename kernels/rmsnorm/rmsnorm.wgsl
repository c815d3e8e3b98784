// RMSNorm over the last dim (LlamaRMSNorm), the CPU ops `rmsnorm` and `gatedRmsnorm` (src/engine/backends/cpu/norm.ts):
//   rmsnorm:       y[i, j] = (x[i, j] · rsqrt(mean_j(x[i, :]²) + eps)) · w[j]
//   gated_rmsnorm: g = x · silu(z), then y[i, j] = (g[i, j] · rsqrt(mean(g[i, group of j]²) + eps)) · w[j], the
//                  mean over each contiguous group of P.group channels (Mamba-2's norm_before_gate = false).
// Layouts (row-major f32): x, z [n, d], w [d], y [n, d].
// Versions: v1 (current) — one workgroup of 256 invocations per row (per (group, row) for gated_rmsnorm); each
//   sums a strided slice of squares (adjacent invocations read adjacent floats), a shared-memory tree adds the
//   256 partials, then every invocation scales its slice (gated_rmsnorm recomputes x · silu(z) rather than
//   storing it). Rows go on a 2-D grid (x + y·65535) so n may exceed one grid dimension.

struct Params { n: u32, d: u32, eps: f32, group: u32 }

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

// gated_rmsnorm binds z where rmsnorm has its uniform, and its own uniform after it.
@group(0) @binding(3) var<storage, read> z: array<f32>;
@group(0) @binding(4) var<uniform> PG: Params;

fn gated(i: u32) -> f32 { let g = z[i]; return x[i] * (g / (1.0 + exp(-g))); }

@compute @workgroup_size(WG)
fn gated_rmsnorm(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) tid: u32) {
  let row = wg.y;
  let o = row * PG.d + wg.x * PG.group; // first element of this (row, group)
  let wo = wg.x * PG.group;
  var ss = 0.0;
  for (var j = tid; j < PG.group; j += WG) { let v = gated(o + j); ss += v * v; }
  partial[tid] = ss;
  workgroupBarrier();
  for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
    if (tid < stride) { partial[tid] += partial[tid + stride]; }
    workgroupBarrier();
  }
  let inv = 1.0 / sqrt(partial[0] / f32(PG.group) + PG.eps);
  for (var j = tid; j < PG.group; j += WG) { y[o + j] = (gated(o + j) * inv) * w[wo + j]; }
}
