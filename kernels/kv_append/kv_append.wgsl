// KV-cache write, the CPU op `kvAppend` (src/engine/backends/cpu/attention.ts): rows pos … pos+n−1 of keys and
// values ← k, v [n, width].
// Layouts (row-major f32): keys, values [capacity, width] (allocated whole when the cache is made), k, v
// [n, width], pos [1] (an f32 integer read on the device). Rows past the capacity are not written (the model
// refuses a state that would overflow before any work starts).
// Versions: v1 (current) — one invocation per element of k (and the same element of v) on a 2-D grid of
//   256-wide workgroups: both reads and writes are contiguous rows.

struct Params { n: u32, width: u32, capacity: u32, pad: u32 }

@group(0) @binding(0) var<storage, read> k: array<f32>;
@group(0) @binding(1) var<storage, read> v: array<f32>;
@group(0) @binding(2) var<storage, read> pos: array<f32>;
@group(0) @binding(3) var<storage, read_write> keys: array<f32>;
@group(0) @binding(4) var<storage, read_write> values: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;

const WG: u32 = 256u;

@compute @workgroup_size(WG)
fn kv_append(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.n * P.width) { return; }
  let row = u32(pos[0]) + i / P.width;
  if (row >= P.capacity) { return; }
  let at = row * P.width + i % P.width;
  keys[at] = k[i];
  values[at] = v[i];
}
