// A mixture of SwiGLU experts over routed tokens, the CPU op `experts` (src/engine/backends/cpu/experts.ts):
//   y[t] = Σⱼ weights[t, j] · down_e(silu(gate_e·x[t]) ⊙ up_e·x[t]),  e = indices[t, j], summed in expert order.
// Layouts: x [n, d] f32; gate, up [e, f, d] and down [e, d, f] stacked in their stored dtype, as array<Word>
// (two elements per Word; Word and unpack_w come from the header the runtime prepends, see WordType in
// src/engine/backends/webgpu/gpu-context.ts); indices, weights [n, k] (indices as f32 integers); hidden
// [n·k, f] and parts [n·k, d] f32 scratch; y [n, d].
// Versions: v1 (current) — routing stays on the device: a gemv per routed (token, slot) row picks its expert's
//   matrix by the index it reads, so a decode step needs no host round trip. gate_up and down: workgroups of
//   32×8, 8 output rows each, 32 invocations stride along the row one Word (two weights) at a time when the row
//   length is even, then a shared-memory tree; grid (⌈rows/8⌉, n·k). combine: one invocation per output
//   element, slots taken in ascending expert index (the CPU op's order). Prefill reads an expert's matrix once
//   per routed token (not grouped by expert): correct, and slow for long prompts.

struct Params { n: u32, k: u32, d: u32, f: u32, experts: u32, even: u32, pad0: u32, pad1: u32 }

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read> wa: array<Word>;
@group(0) @binding(2) var<storage, read> wb: array<Word>;
@group(0) @binding(3) var<storage, read> indices: array<f32>;
@group(0) @binding(4) var<storage, read_write> dst: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

@group(0) @binding(1) var<storage, read> weights: array<f32>;

var<workgroup> lanes: array<f32, 256>;

fn elem_a(i: u32) -> f32 { let p = unpack_w(wa[i >> 1u]); return select(p.x, p.y, (i & 1u) == 1u); }
fn elem_b(i: u32) -> f32 { let p = unpack_w(wb[i >> 1u]); return select(p.x, p.y, (i & 1u) == 1u); }

fn expert_of(r: u32) -> u32 {
  let e = indices[r];
  if (e >= 0.0 && e < f32(P.experts)) { return u32(e); }
  return 0u;
}

// The sum of the 32 lanes' values of row lid.y, valid in lane 0.
fn lane_sum(lid: vec3u, v: f32) -> f32 {
  let slot = lid.y * 32u + lid.x;
  workgroupBarrier();
  lanes[slot] = v;
  workgroupBarrier();
  for (var stride = 16u; stride > 0u; stride /= 2u) {
    if (lid.x < stride) { lanes[slot] += lanes[slot + stride]; }
    workgroupBarrier();
  }
  return lanes[lid.y * 32u];
}

// hidden[r, o] = silu(gate_e[o]·x[t]) · (up_e[o]·x[t]) for routed row r = t·k + j
@compute @workgroup_size(32, 8)
fn gate_up(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let o = wg.x * 8u + lid.y;
  let r = wg.y;
  var g = 0.0;
  var u = 0.0;
  if (o < P.f) {
    let xr = (r / P.k) * P.d;
    let wo = (expert_of(r) * P.f + o) * P.d;
    if (P.even != 0u) {
      for (var j = lid.x; j < P.d / 2u; j += 32u) {
        let xv = vec2<f32>(src[xr + 2u * j], src[xr + 2u * j + 1u]);
        g += dot(unpack_w(wa[wo / 2u + j]), xv);
        u += dot(unpack_w(wb[wo / 2u + j]), xv);
      }
    } else {
      for (var j = lid.x; j < P.d; j += 32u) { g += elem_a(wo + j) * src[xr + j]; u += elem_b(wo + j) * src[xr + j]; }
    }
  }
  let gs = lane_sum(lid, g);
  let us = lane_sum(lid, u);
  if (lid.x == 0u && o < P.f) { dst[r * P.f + o] = gs / (1.0 + exp(-gs)) * us; }
}

// parts[r, o] = down_e[o]·hidden[r]
@compute @workgroup_size(32, 8)
fn down(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let o = wg.x * 8u + lid.y;
  let r = wg.y;
  var acc = 0.0;
  if (o < P.d) {
    let hr = r * P.f;
    let wo = (expert_of(r) * P.d + o) * P.f;
    if (P.even != 0u) {
      for (var j = lid.x; j < P.f / 2u; j += 32u) {
        acc += dot(unpack_w(wa[wo / 2u + j]), vec2<f32>(src[hr + 2u * j], src[hr + 2u * j + 1u]));
      }
    } else {
      for (var j = lid.x; j < P.f; j += 32u) { acc += elem_a(wo + j) * src[hr + j]; }
    }
  }
  let total = lane_sum(lid, acc);
  if (lid.x == 0u && o < P.d) { dst[r * P.d + o] = total; }
}

// y[t, o] = Σ over the token's slots in ascending expert index of weights · parts
@compute @workgroup_size(256)
fn combine(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * 256u;
  if (i >= P.n * P.d) { return; }
  let t = i / P.d;
  let o = i % P.d;
  var acc = 0.0;
  var prev = -1.0;
  for (var s = 0u; s < P.k; s++) {
    // the next slot in expert order: smallest index above the previous one (indices of a token are distinct)
    var pick = 0u;
    var best = 3.0e38;
    for (var j = 0u; j < P.k; j++) {
      let e = indices[t * P.k + j];
      if (e > prev && e < best) { pick = j; best = e; }
    }
    prev = best;
    acc += weights[t * P.k + pick] * src[(t * P.k + pick) * P.d + o];
  }
  dst[i] = acc;
}
