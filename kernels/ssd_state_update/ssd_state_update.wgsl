// Mamba-2 SSD state update (scalar A per head, B/C shared by the heads of a group), the CPU op `ssdScan`
// (src/engine/backends/cpu/ssd-scan.ts; mamba_ssm selective_state_update with per-head scalar A):
//   h[hh, p, j] ← exp(Δ[t, hh]·A[hh]) · h[hh, p, j] + (Δ[t, hh]·x[t, hh, p]) · B[t, g, j]
//   y[t, hh, p] = Σ_j h[hh, p, j] · C[t, g, j] + D[hh] · x[t, hh, p]        g = ⌊hh / (h/groups)⌋, t in order
// Layouts (row-major f32): x [n, h, p], dt [n, h] (softplus'ed, clamped), A [h], B, C [n, g, s], D [h],
// state [h, p, s] (updated in place), y [n, h·p]. n = 1 is the decode step.
// Versions: v1 (current) — one workgroup of 64 per state row (hh, p): the invocations stride along s (64–128 in
//   Mamba-2 models) so state, B and C reads are contiguous across the group; a shared-memory tree sums
//   h·C into y. Rows on a 2-D grid.

struct Params { n: u32, h: u32, p: u32, s: u32, g: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> dt: array<f32>;
@group(0) @binding(2) var<storage, read> A: array<f32>;
@group(0) @binding(3) var<storage, read> B: array<f32>;
@group(0) @binding(4) var<storage, read> C: array<f32>;
@group(0) @binding(5) var<storage, read> D: array<f32>;
@group(0) @binding(6) var<storage, read_write> state: array<f32>;
@group(0) @binding(7) var<storage, read_write> y: array<f32>;
@group(0) @binding(8) var<uniform> P: Params;

const WG: u32 = 64u;
var<workgroup> partial: array<f32, WG>;

@compute @workgroup_size(WG)
fn ssd_state_update(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
                    @builtin(local_invocation_index) tid: u32) {
  let row = wg.x + wg.y * nwg.x; // hh · p + pi
  if (row >= P.h * P.p) { return; } // workgroup-uniform
  let hh = row / P.p;
  let so = row * P.s;
  let group = hh / (P.h / P.g);
  let a = A[hh];
  for (var t = 0u; t < P.n; t++) {
    let dtv = dt[t * P.h + hh];
    let dA = exp(dtv * a);
    let xv = x[t * P.h * P.p + row];
    let dx = dtv * xv;
    let go = (t * P.g + group) * P.s;
    var acc = 0.0;
    for (var j = tid; j < P.s; j += WG) {
      let hv = state[so + j] * dA + dx * B[go + j];
      state[so + j] = hv;
      acc += hv * C[go + j];
    }
    partial[tid] = acc;
    workgroupBarrier();
    for (var stride = WG / 2u; stride > 0u; stride /= 2u) {
      if (tid < stride) { partial[tid] += partial[tid + stride]; }
      workgroupBarrier();
    }
    if (tid == 0u) { y[t * P.h * P.p + row] = partial[0] + D[hh] * xv; }
    workgroupBarrier(); // partial[0] is read before the next token overwrites it
  }
}
