// Mamba-1 selective scan state update, the CPU op `selectiveScan` (src/engine/backends/cpu/selective-scan.ts;
// mamba_ssm selective_state_update without dt bias/softplus/z gate, which the model graph applies around it):
//   h[c, j] ← exp(Δ[t, c]·A[c, j]) · h[c, j] + Δ[t, c]·u[t, c] · B[t, j]
//   y[t, c] = Σ_j h[c, j] · C[t, j] + D[c] · u[t, c]                         for t = 0 … n−1 in order
// Layouts (row-major f32): u, delta [n, d] (delta already softplus'ed), A [d, s], B, C [n, s], D [d],
// state [d, s] (updated in place), y [n, d]. n = 1 is the decode step; larger n runs the tokens in sequence.
// Versions: v1 (current) — one invocation per channel walks its s state entries (s = 16 in Mamba-1 models:
//   too few to share across invocations without most of them idling); B and C rows are the same for every
//   channel, so they hit cache. Channels on a 2-D grid of 256-wide workgroups.

struct Params { n: u32, d: u32, s: u32, pad: u32 }

@group(0) @binding(0) var<storage, read> u: array<f32>;
@group(0) @binding(1) var<storage, read> delta: array<f32>;
@group(0) @binding(2) var<storage, read> A: array<f32>;
@group(0) @binding(3) var<storage, read> B: array<f32>;
@group(0) @binding(4) var<storage, read> C: array<f32>;
@group(0) @binding(5) var<storage, read> D: array<f32>;
@group(0) @binding(6) var<storage, read_write> state: array<f32>;
@group(0) @binding(7) var<storage, read_write> y: array<f32>;
@group(0) @binding(8) var<uniform> P: Params;

const WG: u32 = 256u;

@compute @workgroup_size(WG)
fn selective_state_update(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let c = gid.x + gid.y * nwg.x * WG;
  if (c >= P.d) { return; }
  let ho = c * P.s;
  for (var t = 0u; t < P.n; t++) {
    let dt = delta[t * P.d + c];
    let uu = u[t * P.d + c];
    let du = dt * uu;
    let bo = t * P.s;
    var acc = 0.0;
    for (var j = 0u; j < P.s; j++) {
      let hv = exp(dt * A[ho + j]) * state[ho + j] + du * B[bo + j];
      state[ho + j] = hv;
      acc += hv * C[bo + j];
    }
    y[t * P.d + c] = acc + D[c] * uu;
  }
}
