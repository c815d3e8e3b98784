// Row softmax and top-k, the CPU ops `softmax` and `topk` (src/engine/backends/cpu/elementwise.ts), as Jamba's
// MoE router uses them (rows of a few to a few hundred experts):
//   softmax: y[i, j] = exp(x[i, j] − max_j x[i, :]) / Σ_j exp(x[i, j] − max)
//   topk: values, indices [i, 0…k) = the k largest entries of row i, largest first, ties to the lower index.
// Layouts (row-major f32): x [n, c], y [n, c]; values, indices [n, k] (indices as f32 integers).
// Versions: v1 (current) — softmax: one workgroup of 64 per row, strided loads and shared-memory trees for the
//   max and the sum. topk: one invocation per row, k passes over the row, each taking the next entry after the
//   last one in (value desc, index asc) order: c is small, and this keeps the CPU op's tie rule exactly.

struct Params { n: u32, c: u32, k: u32, pad: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read_write> indices: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

const WG: u32 = 64u;
var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn softmax(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u,
           @builtin(local_invocation_index) tid: u32) {
  let row = wg.x + wg.y * nwg.x;
  if (row >= P.n) { return; } // workgroup-uniform
  let o = row * P.c;
  var m = -3.0e38;
  for (var j = tid; j < P.c; j += WG) { m = max(m, x[o + j]); }
  red[tid] = m;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s /= 2u) {
    if (tid < s) { red[tid] = max(red[tid], red[tid + s]); }
    workgroupBarrier();
  }
  let mx = red[0];
  workgroupBarrier();
  var sum = 0.0;
  for (var j = tid; j < P.c; j += WG) { let e = exp(x[o + j] - mx); y[o + j] = e; sum += e; }
  red[tid] = sum;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s /= 2u) {
    if (tid < s) { red[tid] += red[tid + s]; }
    workgroupBarrier();
  }
  let inv = 1.0 / red[0];
  // each invocation rescales the entries it wrote itself: no barrier needed between the two passes
  for (var j = tid; j < P.c; j += WG) { y[o + j] = y[o + j] * inv; }
}

@compute @workgroup_size(WG)
fn topk(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let row = gid.x + gid.y * nwg.x * WG;
  if (row >= P.n) { return; }
  let o = row * P.c;
  var prev = -1;
  var prev_v = 0.0;
  for (var slot = 0u; slot < P.k; slot++) {
    var best = -1;
    var best_v = 0.0;
    for (var j = 0; j < i32(P.c); j++) {
      let v = x[o + u32(j)];
      let after = prev < 0 || v < prev_v || (v == prev_v && j > prev);
      if (after && (best < 0 || v > best_v)) { best = j; best_v = v; }
    }
    y[row * P.k + slot] = best_v;
    indices[row * P.k + slot] = f32(best);
    prev = best;
    prev_v = best_v;
  }
}
