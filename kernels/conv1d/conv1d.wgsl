// Causal depthwise conv1d continuing from a rolling state, the CPU op `conv1dCausal`
// (src/engine/backends/cpu/conv1d.ts; Mamba's causal_conv1d_fn / causal_conv1d_update without the activation):
//   y[t, c] = b[c] + Σ_j w[c, j] · ext_c[t + j],  ext_c = [state[c, :] ‖ x[:, c]]  (hist = kw − 1 inputs of history)
//   then state[c, :] = the last hist entries of ext_c.
// Layouts (row-major f32): x [n, d], w [d, kw], b [d] (bound even when unused; P.has_bias says), state [d, kw−1]
// (oldest first), y [n, d].
// Versions (the runner picks by n):
//   conv1d_step (decode, n = 1, fused) — one invocation per channel: dot of the window, shift the state by one.
//   conv1d_causal + conv1d_state_save (prefill) — one invocation per output (t, c), adjacent invocations on
//     adjacent channels so x reads coalesce; then a second dispatch, one invocation per channel, rolls the state.
//     Two dispatches because every output must read the old state before any of it is overwritten.

struct Params { n: u32, d: u32, kw: u32, has_bias: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> state: array<f32>;
@group(0) @binding(4) var<storage, read_write> y: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

const WG: u32 = 256u;

fn flat_id(gid: vec3u, nwg: vec3u) -> u32 { return gid.x + gid.y * nwg.x * WG; }

fn bias(c: u32) -> f32 {
  if (P.has_bias != 0u) { return b[c]; }
  return 0.0;
}

// Entry i of [state[c, :] ‖ x[:, c]]
fn ext(c: u32, i: u32) -> f32 {
  let hist = P.kw - 1u;
  if (i < hist) { return state[c * hist + i]; }
  return x[(i - hist) * P.d + c];
}

@compute @workgroup_size(WG)
fn conv1d_step(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let c = flat_id(gid, nwg);
  if (c >= P.d) { return; }
  let hist = P.kw - 1u;
  let so = c * hist;
  let wo = c * P.kw;
  let xv = x[c];
  var acc = bias(c);
  for (var j = 0u; j < hist; j++) { acc += w[wo + j] * state[so + j]; }
  acc += w[wo + hist] * xv;
  y[c] = acc;
  for (var j = 0u; j + 1u < hist; j++) { state[so + j] = state[so + j + 1u]; }
  if (hist > 0u) { state[so + hist - 1u] = xv; }
}

@compute @workgroup_size(WG)
fn conv1d_causal(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let idx = flat_id(gid, nwg);
  if (idx >= P.n * P.d) { return; }
  let t = idx / P.d;
  let c = idx % P.d;
  let wo = c * P.kw;
  var acc = bias(c);
  for (var j = 0u; j < P.kw; j++) { acc += w[wo + j] * ext(c, t + j); }
  y[idx] = acc;
}

@compute @workgroup_size(WG)
fn conv1d_state_save(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let c = flat_id(gid, nwg);
  if (c >= P.d) { return; }
  let hist = P.kw - 1u;
  // Ascending j reads index n + j > j, which no earlier step of this invocation has overwritten (n ≥ 1).
  for (var j = 0u; j < hist; j++) { state[c * hist + j] = ext(c, P.n + j); }
}
