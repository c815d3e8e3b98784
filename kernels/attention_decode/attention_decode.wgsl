// Decode attention: one query per head against a grouped KV cache (GQA), the CPU op `attention` with n = 1
// (src/engine/backends/cpu/attention.ts): query head hh reads kv head ⌊hh / (h/kvh)⌋ and sees all t cached keys:
//   out[hh, :] = Σ_j softmax_j(scale · q[hh]·K[j, kv]) · V[j, kv, :]
// Layouts (row-major f32): q [h, hd], keys, values [capacity ≥ t, kvh·hd] (the cache's rows), out [h, hd];
// part [h, splits, hd + 2] scratch holding (running max, running sum, unnormalised output) per split.
// Versions: v1 (current) — split-K online softmax (flash-decoding). attend_partial: a workgroup of 64 per
//   (split, head) walks its key range in tiles of 64: each invocation scores one key (q staged in shared
//   memory), the tile's max rescales the running sums, then invocations own output dims (hd ≤ 256, four per
//   invocation) and read V rows contiguously. attend_combine merges the splits with their max/sum. With
//   one split attend_partial writes out directly. Splits keep all SMs busy when h is small and t long.
//   Tried and dropped: staging each tile's K rows through shared memory 32 dims at a time (coalesced reads,
//   4 target workgroups per SM more) ran slower on the H200 — 1193 vs 843 µs at h=32, kvh=8, hd=128, t=4096.

struct Params { h: u32, kvh: u32, hd: u32, t: u32, chunk: u32, splits: u32, scale: f32, pad: u32 }

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> keys: array<f32>;
@group(0) @binding(2) var<storage, read> values: array<f32>;
@group(0) @binding(3) var<storage, read_write> part: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

const WG: u32 = 64u;
const PER: u32 = 4u;          // output dims per invocation: hd ≤ WG · PER = 256
const LOWEST: f32 = -3.0e38;  // a finite −∞: exp(LOWEST − m) is 0 and never NaN
var<workgroup> qs: array<f32, 256>;
var<workgroup> ps: array<f32, WG>;

@compute @workgroup_size(WG)
fn attend_partial(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) tid: u32) {
  let hh = wg.y;
  let sp = wg.x;
  let width = P.kvh * P.hd;
  let kvo = (hh / (P.h / P.kvh)) * P.hd;
  for (var e = tid; e < P.hd; e += WG) { qs[e] = q[hh * P.hd + e]; }
  workgroupBarrier();
  let start = sp * P.chunk;
  let end = min(P.t, start + P.chunk);
  var m = LOWEST;
  var l = 0.0;
  var acc: array<f32, PER>;
  for (var j0 = start; j0 < end; j0 += WG) {
    let j = j0 + tid;
    var sc = LOWEST;
    if (j < end) {
      let kr = j * width + kvo;
      var dot = 0.0;
      for (var e = 0u; e < P.hd; e++) { dot += qs[e] * keys[kr + e]; }
      sc = dot * P.scale;
    }
    ps[tid] = sc;
    workgroupBarrier();
    var tmax = m;
    for (var i = 0u; i < WG; i++) { tmax = max(tmax, ps[i]); }
    workgroupBarrier();
    let corr = exp(m - tmax);
    ps[tid] = exp(sc - tmax);
    workgroupBarrier();
    var psum = 0.0;
    for (var r = 0u; r < PER; r++) { acc[r] *= corr; }
    let count = min(WG, end - j0);
    for (var i = 0u; i < count; i++) {
      let pw = ps[i];
      psum += pw;
      let vr = (j0 + i) * width + kvo;
      for (var r = 0u; r < PER; r++) {
        let e = tid + r * WG;
        if (e < P.hd) { acc[r] += pw * values[vr + e]; }
      }
    }
    l = l * corr + psum;
    m = tmax;
    workgroupBarrier(); // every invocation has read ps before the next tile writes it
  }
  if (P.splits == 1u) {
    for (var r = 0u; r < PER; r++) {
      let e = tid + r * WG;
      if (e < P.hd) { out[hh * P.hd + e] = acc[r] / l; }
    }
    return;
  }
  let po = (hh * P.splits + sp) * (P.hd + 2u);
  if (tid == 0u) { part[po] = m; part[po + 1u] = l; }
  for (var r = 0u; r < PER; r++) {
    let e = tid + r * WG;
    if (e < P.hd) { part[po + 2u + e] = acc[r]; }
  }
}

@compute @workgroup_size(WG)
fn attend_combine(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) tid: u32) {
  let hh = wg.x;
  let stride = P.hd + 2u;
  let base = hh * P.splits * stride;
  var mx = LOWEST;
  for (var s = 0u; s < P.splits; s++) { mx = max(mx, part[base + s * stride]); }
  var total = 0.0;
  for (var s = 0u; s < P.splits; s++) { total += part[base + s * stride + 1u] * exp(part[base + s * stride] - mx); }
  for (var e = tid; e < P.hd; e += WG) {
    var v = 0.0;
    for (var s = 0u; s < P.splits; s++) { v += part[base + s * stride + 2u + e] * exp(part[base + s * stride] - mx); }
    out[hh * P.hd + e] = v / total;
  }
}
