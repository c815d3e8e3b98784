// Embedding lookup, the CPU op `embedding` (src/engine/backends/cpu/linear.ts): y[i, :] = table[ids[i], :],
// widened to f32.
// Layouts: table [v, d] as array<Word> (two elements per Word: f32 pairs, f16 or bf16 words; Word and unpack_w
// come from the header the runtime prepends, see WordType in src/engine/backends/webgpu/gpu-context.ts),
// ids [n] as f32 integers (the engine's id tensors), y [n, d] f32. An id outside [0, v) — only a sampler's −1
// "no token" mark can be one — reads row 0; the host refuses such ids before any step runs.
// Versions: v1 (current) — one workgroup of 256 per (row, 256·2 columns): each invocation widens one Word
//   (two adjacent elements) when d is even, so loads stay contiguous; with odd d each element is read on its own.

struct Params { n: u32, d: u32, v: u32, pad: u32 }

@group(0) @binding(0) var<storage, read> table: array<Word>;
@group(0) @binding(1) var<storage, read> ids: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> P: Params;

const WG: u32 = 256u;

fn element(i: u32) -> f32 {
  let pair = unpack_w(table[i >> 1u]);
  return select(pair.x, pair.y, (i & 1u) == 1u);
}

@compute @workgroup_size(WG)
fn embed(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_index) tid: u32) {
  let row = wg.y;
  let raw = ids[row];
  var id = 0u;
  if (raw >= 0.0 && raw < f32(P.v)) { id = u32(raw); }
  let src = id * P.d;
  let dst = row * P.d;
  let j = (wg.x * WG + tid) * 2u;
  if (j >= P.d) { return; }
  if ((P.d & 1u) == 0u) {
    let pair = unpack_w(table[(src + j) >> 1u]);
    y[dst + j] = pair.x;
    y[dst + j + 1u] = pair.y;
  } else {
    y[dst + j] = element(src + j);
    if (j + 1u < P.d) { y[dst + j + 1u] = element(src + j + 1u); }
  }
}
