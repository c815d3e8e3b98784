// Linear layer y = x·Wᵀ (+ b), the CPU op `linear` (src/engine/backends/cpu/linear.ts), PyTorch nn.Linear layout.
// Layouts (row-major f32): x [n, k], w [m, k], b [m] (bound even when unused; P.has_bias says), y [n, m].
// Half weights (the *_half entry points): w [m, k] as array<Word>, two elements per Word (f16 or bf16 words;
// Word and unpack_w come from the header the runtime prepends, see WordType in
// src/engine/backends/webgpu/gpu-context.ts), widened to f32 as they are read; sums stay f32.
// Versions (the runner picks by n and the weights' dtype):
//   gemv4 (decode, n ≤ 4, k % 4 = 0) — workgroup 32×8: 8 output rows per group, 32 invocations stride along
//     k in vec4s so each lane set reads 512 contiguous bytes of a weight row (the weights are the whole
//     traffic); two vec4 sums per lane, then a shared-memory tree over the 32 lanes. Grid (⌈m/8⌉, n).
//     x4/w4 alias bindings 0/1 as vec4 arrays (rows stay 16-byte aligned when k % 4 = 0).
//   gemv (decode, n ≤ 4, any k) — the same with scalar loads and four scalar sums per lane.
//   gemm (prefill) — 64×64 output tile per workgroup of 16×16, each invocation 4×4 outputs at stride 16
//     (rows ty+16i, cols tx+16j: conflict-free shared reads, coalesced stores); K walked in slices of 16
//     staged through shared memory, out-of-range elements loaded as 0 so any n, m, k works. Grid (⌈m/64⌉, ⌈n/64⌉).
//   gemv_half (decode, n ≤ 4, half weights) — gemv's layout; with even k each lane reads one Word (two weights)
//     and a vec2 of x per step, 32 lanes covering 128 contiguous bytes of the row, two sums per lane; odd k
//     reads element by element.
//   gemm_half (prefill, half weights) — gemm with the w tile widened as it is staged into shared memory.

struct Params { n: u32, k: u32, m: u32, has_bias: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

fn bias(o: u32) -> f32 {
  if (P.has_bias != 0u) { return b[o]; }
  return 0.0;
}

@group(0) @binding(0) var<storage, read> x4: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> w4: array<vec4<f32>>;

var<workgroup> lanes: array<f32, 256>;

// Sums the 32 lanes' partial dot products of row o (for input row i) and writes y[i, o].
fn finish_row(lid: vec3u, o: u32, i: u32, partial: f32) {
  let slot = lid.y * 32u + lid.x;
  lanes[slot] = partial;
  workgroupBarrier();
  for (var stride = 16u; stride > 0u; stride /= 2u) {
    if (lid.x < stride) { lanes[slot] += lanes[slot + stride]; }
    workgroupBarrier();
  }
  if (lid.x == 0u && o < P.m) { y[i * P.m + o] = lanes[slot] + bias(o); }
}

@compute @workgroup_size(32, 8)
fn gemv4(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let o = wg.x * 8u + lid.y;
  let i = wg.y;
  let k4 = P.k / 4u;
  var s0 = vec4<f32>();
  var s1 = vec4<f32>();
  if (o < P.m) {
    let wo = o * k4;
    let xo = i * k4;
    var j = lid.x;
    for (; j + 32u < k4; j += 64u) {
      s0 += x4[xo + j] * w4[wo + j];
      s1 += x4[xo + j + 32u] * w4[wo + j + 32u];
    }
    for (; j < k4; j += 32u) { s0 += x4[xo + j] * w4[wo + j]; }
  }
  let v = s0 + s1;
  finish_row(lid, o, i, (v.x + v.y) + (v.z + v.w));
}

@compute @workgroup_size(32, 8)
fn gemv(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let o = wg.x * 8u + lid.y;
  let i = wg.y;
  var s0 = 0.0; var s1 = 0.0; var s2 = 0.0; var s3 = 0.0;
  if (o < P.m) {
    let wo = o * P.k;
    let xo = i * P.k;
    var j = lid.x;
    for (; j + 96u < P.k; j += 128u) {
      s0 += x[xo + j] * w[wo + j];
      s1 += x[xo + j + 32u] * w[wo + j + 32u];
      s2 += x[xo + j + 64u] * w[wo + j + 64u];
      s3 += x[xo + j + 96u] * w[wo + j + 96u];
    }
    for (; j < P.k; j += 32u) { s0 += x[xo + j] * w[wo + j]; }
  }
  finish_row(lid, o, i, (s0 + s1) + (s2 + s3));
}

const TILE: u32 = 64u;
const TK: u32 = 16u;
var<workgroup> xs: array<f32, 1024>; // [TK][TILE]: x tile, k-major so a k step reads one contiguous row
var<workgroup> ws: array<f32, 1024>; // [TK][TILE]: w tile

// Stores one output row of this invocation's 4×4 block: columns lx, lx+16, lx+32, lx+48 of the tile.
fn store_row(r: u32, col0: u32, lx: u32, acc: vec4<f32>) {
  if (r >= P.n) { return; }
  for (var j = 0u; j < 4u; j++) {
    let c = col0 + lx + 16u * j;
    if (c < P.m) { y[r * P.m + c] = acc[j] + bias(c); }
  }
}

@compute @workgroup_size(16, 16)
fn gemm(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u,
        @builtin(local_invocation_index) tid: u32) {
  let row0 = wg.y * TILE; // rows of x (tokens)
  let col0 = wg.x * TILE; // rows of w (output features)
  // Four vec4 accumulators, not an indexed 4×4 array: dynamic indexing would put them in local memory.
  var acc0 = vec4<f32>(); var acc1 = vec4<f32>(); var acc2 = vec4<f32>(); var acc3 = vec4<f32>();
  for (var k0 = 0u; k0 < P.k; k0 += TK) {
    for (var q = 0u; q < 4u; q++) {
      let e = tid + q * 256u;
      let r = e / TK;
      let kk = e % TK;
      let kg = k0 + kk;
      var xv = 0.0;
      if (row0 + r < P.n && kg < P.k) { xv = x[(row0 + r) * P.k + kg]; }
      xs[kk * TILE + r] = xv;
      var wv = 0.0;
      if (col0 + r < P.m && kg < P.k) { wv = w[(col0 + r) * P.k + kg]; }
      ws[kk * TILE + r] = wv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let o = kk * TILE;
      let a = vec4<f32>(xs[o + lid.y], xs[o + lid.y + 16u], xs[o + lid.y + 32u], xs[o + lid.y + 48u]);
      let c = vec4<f32>(ws[o + lid.x], ws[o + lid.x + 16u], ws[o + lid.x + 32u], ws[o + lid.x + 48u]);
      acc0 += a.x * c; acc1 += a.y * c; acc2 += a.z * c; acc3 += a.w * c;
    }
    workgroupBarrier();
  }
  store_row(row0 + lid.y, col0, lid.x, acc0);
  store_row(row0 + lid.y + 16u, col0, lid.x, acc1);
  store_row(row0 + lid.y + 32u, col0, lid.x, acc2);
  store_row(row0 + lid.y + 48u, col0, lid.x, acc3);
}

@group(0) @binding(1) var<storage, read> wh: array<Word>;
@group(0) @binding(0) var<storage, read> x2: array<vec2<f32>>;

fn welem(i: u32) -> f32 {
  let p = unpack_w(wh[i >> 1u]);
  return select(p.x, p.y, (i & 1u) == 1u);
}

// x[i] read through the vec2 alias (gemv_half binds x once, as x2)
fn xelem(i: u32) -> f32 {
  let p = x2[i >> 1u];
  return select(p.x, p.y, (i & 1u) == 1u);
}

@compute @workgroup_size(32, 8)
fn gemv_half(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let o = wg.x * 8u + lid.y;
  let i = wg.y;
  var s0 = 0.0;
  var s1 = 0.0;
  if (o < P.m) {
    if ((P.k & 1u) == 0u) {
      let k2 = P.k / 2u;
      let wo = o * k2;
      let xo = i * k2;
      var j = lid.x;
      for (; j + 32u < k2; j += 64u) {
        s0 += dot(unpack_w(wh[wo + j]), x2[xo + j]);
        s1 += dot(unpack_w(wh[wo + j + 32u]), x2[xo + j + 32u]);
      }
      for (; j < k2; j += 32u) { s0 += dot(unpack_w(wh[wo + j]), x2[xo + j]); }
    } else {
      for (var j = lid.x; j < P.k; j += 32u) { s0 += welem(o * P.k + j) * xelem(i * P.k + j); }
    }
  }
  finish_row(lid, o, i, s0 + s1);
}

@compute @workgroup_size(16, 16)
fn gemm_half(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u,
             @builtin(local_invocation_index) tid: u32) {
  let row0 = wg.y * TILE;
  let col0 = wg.x * TILE;
  var acc0 = vec4<f32>(); var acc1 = vec4<f32>(); var acc2 = vec4<f32>(); var acc3 = vec4<f32>();
  for (var k0 = 0u; k0 < P.k; k0 += TK) {
    for (var q = 0u; q < 4u; q++) {
      let e = tid + q * 256u;
      let r = e / TK;
      let kk = e % TK;
      let kg = k0 + kk;
      var xv = 0.0;
      if (row0 + r < P.n && kg < P.k) { xv = x[(row0 + r) * P.k + kg]; }
      xs[kk * TILE + r] = xv;
      var wv = 0.0;
      if (col0 + r < P.m && kg < P.k) { wv = welem((col0 + r) * P.k + kg); }
      ws[kk * TILE + r] = wv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let o = kk * TILE;
      let a = vec4<f32>(xs[o + lid.y], xs[o + lid.y + 16u], xs[o + lid.y + 32u], xs[o + lid.y + 48u]);
      let c = vec4<f32>(ws[o + lid.x], ws[o + lid.x + 16u], ws[o + lid.x + 32u], ws[o + lid.x + 48u]);
      acc0 += a.x * c; acc1 += a.y * c; acc2 += a.z * c; acc3 += a.w * c;
    }
    workgroupBarrier();
  }
  store_row(row0 + lid.y, col0, lid.x, acc0);
  store_row(row0 + lid.y + 16u, col0, lid.x, acc1);
  store_row(row0 + lid.y + 32u, col0, lid.x, acc2);
  store_row(row0 + lid.y + 48u, col0, lid.x, acc3);
}
