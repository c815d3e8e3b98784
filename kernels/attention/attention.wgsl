// Causal GQA attention over a KV cache, the CPU op `attention` (src/engine/backends/cpu/attention.ts): the cache
// holds the n query tokens at rows pos … pos+n−1 (pos [1] read on the device), query i sees keys 0 … pos+i:
//   out[i, hh, :] = Σ_j softmax_j(scale · q[i, hh]·K[j, kv]) · V[j, kv, :],  kv = ⌊hh / (h/kvh)⌋
// Layouts (row-major f32): q [n, h, hd], keys, values [capacity, kvh·hd] (the cache), pos [1], out [n, h·hd];
// part [n, h, splits, hd + 2] scratch holding (running max, running sum, unnormalised output) per split; hd ≤ 256.
// Versions: v1 (current) — split-K online softmax (flash-decoding), grid (splits, h, n). attend: a workgroup of
//   64 per (split, head, query) walks its key range in tiles of 64: each invocation scores one key (q staged in
//   shared memory), the tile's max rescales the running sums, then invocations own output dims (four each) and
//   read V rows contiguously. The host plans the splits from the cache's capacity, not the length (which only
//   the device knows), so the same dispatch serves every position; a split past the query's last key marks
//   itself empty (sum 0). attend_combine merges the splits; with one split attend writes out directly. Prefill
//   runs one split per query (every workgroup walks its query's keys): K/V tiles are not shared between
//   queries, so long prompts re-read the cache once per query — fine for the prompt lengths served so far.

struct Params { n: u32, h: u32, kvh: u32, hd: u32, chunk: u32, splits: u32, scale: f32, pad: u32 }

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> keys: array<f32>;
@group(0) @binding(2) var<storage, read> values: array<f32>;
@group(0) @binding(3) var<storage, read> pos: array<f32>;
@group(0) @binding(4) var<storage, read_write> part: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<uniform> P: Params;

const WG: u32 = 64u;
const PER: u32 = 4u;          // output dims per invocation: hd ≤ WG · PER = 256
const LOWEST: f32 = -3.0e38;  // a finite −∞: exp(LOWEST − m) is 0 and never NaN
var<workgroup> qs: array<f32, 256>;
var<workgroup> ps: array<f32, WG>;
var<workgroup> seen: u32;

@compute @workgroup_size(WG)
fn attend(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) tid: u32) {
  let sp = wg.x;
  let hh = wg.y;
  let qi = wg.z;
  let width = P.kvh * P.hd;
  let kvo = (hh / (P.h / P.kvh)) * P.hd;
  let qo = (qi * P.h + hh) * P.hd;
  for (var e = tid; e < P.hd; e += WG) { qs[e] = q[qo + e]; }
  if (tid == 0u) { seen = u32(pos[0]) + qi + 1u; }
  let t = workgroupUniformLoad(&seen); // keys this query sees; also orders the qs writes before their reads
  let start = sp * P.chunk;
  let end = min(t, start + P.chunk);
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
      if (e < P.hd) { out[qo + e] = acc[r] / l; }
    }
    return;
  }
  let po = ((qi * P.h + hh) * P.splits + sp) * (P.hd + 2u);
  if (tid == 0u) { part[po] = m; part[po + 1u] = l; }
  for (var r = 0u; r < PER; r++) {
    let e = tid + r * WG;
    if (e < P.hd) { part[po + 2u + e] = acc[r]; }
  }
}

@compute @workgroup_size(WG)
fn attend_combine(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) tid: u32) {
  let hh = wg.x;
  let qi = wg.y;
  let stride = P.hd + 2u;
  let base = (qi * P.h + hh) * P.splits * stride;
  var mx = LOWEST;
  for (var s = 0u; s < P.splits; s++) {
    if (part[base + s * stride + 1u] > 0.0) { mx = max(mx, part[base + s * stride]); }
  }
  var total = 0.0;
  for (var s = 0u; s < P.splits; s++) {
    let l = part[base + s * stride + 1u];
    if (l > 0.0) { total += l * exp(part[base + s * stride] - mx); }
  }
  for (var e = tid; e < P.hd; e += WG) {
    var v = 0.0;
    for (var s = 0u; s < P.splits; s++) {
      if (part[base + s * stride + 1u] > 0.0) { v += part[base + s * stride + 2u + e] * exp(part[base + s * stride] - mx); }
    }
    out[(qi * P.h + hh) * P.hd + e] = v / total;
  }
}
