// Sampling and scoring on the device, so a decode step reads back only a token id (and a logprob where asked).
//   sample: the CPU sampler's rules (src/engine/sampling.ts): temperature 0 is greedy (lowest index on ties);
//     otherwise weights exp((l − max)/T), top-k then top-p on the survivors, one mulberry32 draw. NaN logits, or
//     all −∞, give token −1 (and logprob NaN). Also writes ln p(token) under the plain softmax (T = 1).
//     Top-k and top-p keep the tokens at or above a threshold found by bisection over the logits' order (32
//     workgroup-wide passes each at most), and the draw walks the kept tokens in index order: the same
//     distribution as the CPU's, not the same token for a seed; ties at a threshold are all kept.
//   token_logprobs: ln softmax(logits[i])[targets[i]] per row (what /v1/score reads back); NaN for a target
//     outside [0, v).
// Layouts: logits [rows, v] f32; slot [4] words: temperature, top-k (0 = off), top-p (0 = off) as f32 bits and
// the mulberry32 state (u32), updated in place; token, logprob [1] f32 (the id as an f32 integer); targets [n]
// f32 integers, out [n].
// Versions: v1 (current) — sample: one workgroup of 256 over the vocabulary, shared-memory trees for every
//   reduction and a Hillis–Steele scan over the invocations' contiguous chunks for the draw; token_logprobs:
//   one workgroup of 256 per row. Reduced values reach every invocation through workgroupUniformLoad, which
//   keeps the bisection loops and their barriers in uniform control flow.

struct Params { v: u32, n: u32, pad0: u32, pad1: u32 }

@group(0) @binding(0) var<storage, read> logits: array<f32>;
@group(0) @binding(1) var<storage, read_write> slot: array<u32>;
@group(0) @binding(2) var<storage, read_write> token: array<f32>;
@group(0) @binding(3) var<storage, read_write> logprob: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

@group(0) @binding(1) var<storage, read> targets: array<f32>;
@group(0) @binding(2) var<storage, read_write> scores: array<f32>;

const WG: u32 = 256u;
var<workgroup> red: array<f32, WG>;
var<workgroup> red_i: array<u32, WG>;
var<workgroup> scan: array<f32, WG>;
var<workgroup> settings: vec4<u32>;
var<workgroup> drawn: f32;
var<workgroup> pick: atomic<i32>;
var<workgroup> picked: i32;

fn neg_inf() -> f32 { return bitcast<f32>(0xff800000u); }
fn pos_inf() -> f32 { return bitcast<f32>(0x7f800000u); }
fn is_nan(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
// A u32 whose unsigned order is the floats' order (−∞ lowest, +∞ highest).
fn order_key(x: f32) -> u32 {
  let u = bitcast<u32>(x);
  return select(u | 0x80000000u, ~u, (u & 0x80000000u) != 0u);
}

fn block_sum(v: f32, tid: u32) -> f32 {
  workgroupBarrier(); // red's last value has been read by everyone
  red[tid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s /= 2u) {
    if (tid < s) { red[tid] += red[tid + s]; }
    workgroupBarrier();
  }
  return workgroupUniformLoad(&red[0]);
}

fn block_max(v: f32, tid: u32) -> f32 {
  workgroupBarrier();
  red[tid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s /= 2u) {
    if (tid < s) { red[tid] = max(red[tid], red[tid + s]); }
    workgroupBarrier();
  }
  return workgroupUniformLoad(&red[0]);
}

fn mulberry32(state: ptr<function, u32>) -> f32 {
  let s = *state + 0x6d2b79f5u;
  *state = s;
  var t = s;
  t = (t ^ (t >> 15u)) * (t | 1u);
  t ^= t + (t ^ (t >> 7u)) * (t | 61u);
  return f32((t ^ (t >> 14u)) >> 8u) / 16777216.0; // 24 bits: exact in f32, so never 1.0
}

// exp((x − mx)/T) if x is kept (order key at or above lo), else 0
fn kept_weight(x: f32, lo: u32, mx: f32, temperature: f32) -> f32 {
  return select(0.0, exp((x - mx) / temperature), order_key(x) >= lo);
}

@compute @workgroup_size(WG)
fn sample(@builtin(local_invocation_index) tid: u32) {
  let v = P.v;
  // argmax (lowest index on ties) and the NaN check, in one tree: red holds the max, red_i its index, with the
  // NaN flag in the top bit
  var best = neg_inf();
  var best_i = 0x7fffffffu;
  var nan = 0u;
  for (var j = tid; j < v; j += WG) {
    let x = logits[j];
    if (is_nan(x)) { nan = 0x80000000u; } else if (x > best) { best = x; best_i = j; }
  }
  red[tid] = best;
  red_i[tid] = best_i | nan;
  if (tid == 0u) { settings = vec4<u32>(slot[0], slot[1], slot[2], slot[3]); }
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s /= 2u) {
    if (tid < s) {
      let ob = red[tid + s];
      let oi = red_i[tid + s];
      let flag = (red_i[tid] | oi) & 0x80000000u;
      let mi = red_i[tid] & 0x7fffffffu;
      let oj = oi & 0x7fffffffu;
      if (ob > red[tid] || (ob == red[tid] && oj < mi)) { red[tid] = ob; red_i[tid] = oj | flag; } else { red_i[tid] = mi | flag; }
    }
    workgroupBarrier();
  }
  let mx = workgroupUniformLoad(&red[0]);
  let top_word = workgroupUniformLoad(&red_i[0]);
  let cfg = workgroupUniformLoad(&settings);
  if ((top_word & 0x80000000u) != 0u || mx == neg_inf()) {
    if (tid == 0u) { token[0] = -1.0; logprob[0] = bitcast<f32>(0x7fc00000u); }
    return;
  }
  let top = top_word & 0x7fffffffu;
  // ln p(token) needs Σ exp(l − max) at T = 1
  var z = 0.0;
  for (var j = tid; j < v; j += WG) { z += exp(logits[j] - mx); }
  let log_z = log(block_sum(z, tid));
  let temperature = bitcast<f32>(cfg.x);
  var chosen = top;
  if (temperature > 0.0 && mx != pos_inf()) {
    let top_k = u32(bitcast<f32>(cfg.y));
    let top_p = bitcast<f32>(cfg.z);
    var lo = 0u; // tokens with order_key ≥ lo are kept
    if (top_k > 0u && top_k < v) {
      // largest key k such that count(key ≥ k) ≥ top_k: the k-th largest logit
      var a = 0u;
      var b = order_key(mx);
      while (a < b) {
        let mid = a + (b - a + 1u) / 2u;
        var c = 0.0;
        for (var j = tid; j < v; j += WG) { c += select(0.0, 1.0, order_key(logits[j]) >= mid); }
        if (block_sum(c, tid) >= f32(top_k)) { a = mid; } else { b = mid - 1u; }
      }
      lo = a;
    }
    var part = 0.0;
    for (var j = tid; j < v; j += WG) { part += kept_weight(logits[j], lo, mx, temperature); }
    var total = block_sum(part, tid);
    if (top_p > 0.0 && top_p < 1.0) {
      // smallest key k whose strictly-greater mass is below p·total: tokens at or above it are the nucleus
      var a = lo;
      var b = order_key(mx);
      while (a < b) {
        let mid = a + (b - a) / 2u;
        var above = 0.0;
        for (var j = tid; j < v; j += WG) {
          let x = logits[j];
          above += select(0.0, exp((x - mx) / temperature), order_key(x) > mid);
        }
        if (block_sum(above, tid) < top_p * total) { b = mid; } else { a = mid + 1u; }
      }
      lo = a;
      part = 0.0;
      for (var j = tid; j < v; j += WG) { part += kept_weight(logits[j], lo, mx, temperature); }
      total = block_sum(part, tid);
    }
    if (tid == 0u) {
      var state = cfg.w;
      drawn = mulberry32(&state) * total;
      slot[3] = state;
      atomicStore(&pick, -1);
    }
    let u = workgroupUniformLoad(&drawn);
    // contiguous chunks per invocation, so the kept tokens are walked in index order
    let per = (v + WG - 1u) / WG;
    let j0 = min(v, tid * per);
    let j1 = min(v, j0 + per);
    var mine = 0.0;
    for (var j = j0; j < j1; j++) { mine += kept_weight(logits[j], lo, mx, temperature); }
    scan[tid] = mine;
    workgroupBarrier();
    for (var o = 1u; o < WG; o <<= 1u) {
      var add = 0.0;
      if (tid >= o) { add = scan[tid - o]; }
      workgroupBarrier();
      scan[tid] += add;
      workgroupBarrier();
    }
    let before = scan[tid] - mine;
    if (mine > 0.0 && u >= before && u < scan[tid]) {
      var left = u - before;
      var last = -1;
      for (var j = j0; j < j1; j++) {
        let x = logits[j];
        if (order_key(x) < lo) { continue; }
        last = i32(j);
        left -= kept_weight(x, lo, mx, temperature);
        if (left < 0.0) { break; }
      }
      atomicMax(&pick, last);
    }
    workgroupBarrier();
    if (tid == 0u) { picked = atomicLoad(&pick); }
    var p = workgroupUniformLoad(&picked);
    if (p < 0) {
      // rounding left u past the last kept token: the last kept token takes it
      var last = -1;
      for (var j = j0; j < j1; j++) { if (order_key(logits[j]) >= lo) { last = i32(j); } }
      atomicMax(&pick, last);
      workgroupBarrier();
      if (tid == 0u) { picked = atomicLoad(&pick); }
      p = workgroupUniformLoad(&picked);
    }
    if (p >= 0) { chosen = u32(p); }
  }
  if (tid == 0u) {
    token[0] = f32(chosen);
    logprob[0] = logits[chosen] - mx - log_z;
  }
}

@compute @workgroup_size(WG)
fn token_logprobs(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
                  @builtin(local_invocation_index) tid: u32) {
  let row = wg.x + wg.y * nwg.x;
  if (row >= P.n) { return; } // workgroup-uniform
  let o = row * P.v;
  var m = neg_inf();
  for (var j = tid; j < P.v; j += WG) { m = max(m, logits[o + j]); }
  let mx = block_max(m, tid);
  var z = 0.0;
  for (var j = tid; j < P.v; j += WG) { z += exp(logits[o + j] - mx); }
  let total = block_sum(z, tid);
  if (tid == 0u) {
    let t = targets[row];
    var lp = bitcast<f32>(0x7fc00000u);
    if (t >= 0.0 && t < f32(P.v) && t == floor(t)) { lp = logits[o + u32(t)] - mx - log(total); }
    scores[row] = lp;
  }
}
