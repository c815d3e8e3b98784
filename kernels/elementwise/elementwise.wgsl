// Elementwise ops of the engine, the CPU ops in src/engine/backends/cpu/elementwise.ts and linear.ts (f32, any
// shape as a flat count of elements):
//   unary  y = silu(x) | softplus(x) (x above 20) | eˣ | x·lo | min(max(x, lo), hi)        (P.op 0 … 4)
//   binary y = a + b | a · b | silu(a) · b                                                 (P.op 0 … 2)
//   add_bias   y[i, j] = x[i, j] + b[j]                                                    (P.k columns)
//   copy_cols  y[i, j] = x[P.start + i·P.stride + j], j < P.k: sliceCols, and rows at an unaligned offset
//   advance    pos[0] += P.count: the position counter, kept on the device so a replayed decode step reads it
// Layouts (row-major f32): x (a) binding 0, b binding 1 (absent for unary ops), y binding 2, all of P.count
// elements; b of add_bias is [P.k].
// Versions: v1 (current) — one invocation per element on a 2-D grid of 256-wide workgroups (x + y·65535 groups):
//   these are a small share of a step next to the matrix work, and coalesced one-element loads saturate memory.
//   softplus takes log1p from a 5-term series below eˣ = 0.05, where log(1 + eˣ) in f32 loses the small term
//   (Mamba's Δ lives there).

struct Params { count: u32, op: u32, k: u32, stride: u32, start: u32, pad: u32, lo: f32, hi: f32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

const WG: u32 = 256u;

fn flat(gid: vec3u, nwg: vec3u) -> u32 { return gid.x + gid.y * nwg.x * WG; }

fn silu(v: f32) -> f32 { return v / (1.0 + exp(-v)); }

fn softplus(v: f32) -> f32 {
  if (v > 20.0) { return v; }
  let e = exp(v);
  if (e < 0.05) { return e * (1.0 - e * (0.5 - e * (1.0 / 3.0 - e * (0.25 - e * 0.2)))); }
  return log(1.0 + e);
}

@compute @workgroup_size(WG)
fn unary(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat(gid, nwg);
  if (i >= P.count) { return; }
  let v = x[i];
  var r: f32;
  switch (P.op) {
    case 0u: { r = silu(v); }
    case 1u: { r = softplus(v); }
    case 2u: { r = exp(v); }
    case 3u: { r = v * P.lo; }
    default: { r = min(max(v, P.lo), P.hi); }
  }
  y[i] = r;
}

@compute @workgroup_size(WG)
fn binary(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat(gid, nwg);
  if (i >= P.count) { return; }
  let u = x[i];
  let v = b[i];
  var r: f32;
  switch (P.op) {
    case 0u: { r = u + v; }
    case 1u: { r = u * v; }
    default: { r = silu(u) * v; }
  }
  y[i] = r;
}

@compute @workgroup_size(WG)
fn add_bias(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat(gid, nwg);
  if (i >= P.count) { return; }
  y[i] = x[i] + b[i % P.k];
}

@compute @workgroup_size(WG)
fn copy_cols(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = flat(gid, nwg);
  if (i >= P.count) { return; }
  y[i] = x[P.start + (i / P.k) * P.stride + i % P.k];
}

@compute @workgroup_size(1)
fn advance() {
  y[0] = y[0] + f32(P.count);
}
