// Rotary embedding, the CPU op `rope` (src/engine/backends/cpu/rope.ts; HF rotate_half convention): the first
// r = 2·half dims of every head rotate by angle invFreq[i]·(pos + t), the rest pass through; cos and sin are
// multiplied by P.scaling:
//   y[t, h, i] = a·cos − b·sin,  y[t, h, i + half] = b·cos + a·sin,  a = x[t, h, i], b = x[t, h, i + half]
// Layouts (row-major f32): x, y [n, h, hd], invFreq [half], pos [1] (an f32 integer read on the device, so a
// replayed decode step rotates at the right position).
// Versions: v1 (current) — one invocation per output element on a 2-D grid of 256-wide workgroups. The angle is
//   reduced to [−π, π] by a two-constant (Cody–Waite) step before cos/sin: GPU cos/sin are accurate only near
//   zero, and angles reach thousands of radians at long positions.

struct Params { n: u32, h: u32, hd: u32, half: u32, scaling: f32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> inv_freq: array<f32>;
@group(0) @binding(2) var<storage, read> pos: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> P: Params;

const WG: u32 = 256u;
// 2π split so that k·TWO_PI_HI is exact for |k| < 2¹⁵ (its low 9 mantissa bits are zero)
const TWO_PI_HI: f32 = 6.28125;
const TWO_PI_LO: f32 = 0.0019353071795864769;
const INV_TWO_PI: f32 = 0.15915494309189535;

@compute @workgroup_size(WG)
fn rope(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= P.n * P.h * P.hd) { return; }
  let e = i % P.hd;
  let head = i / P.hd;
  if (e >= 2u * P.half) { y[i] = x[i]; return; }
  let t = head / P.h;
  let f = select(e - P.half, e, e < P.half);
  let angle = inv_freq[f] * f32(u32(pos[0]) + t);
  let k = round(angle * INV_TWO_PI);
  let r = (angle - k * TWO_PI_HI) - k * TWO_PI_LO;
  let c = cos(r) * P.scaling;
  let s = sin(r) * P.scaling;
  let o = head * P.hd;
  let a = x[o + f];
  let b = x[o + f + P.half];
  y[i] = select(b * c + a * s, a * c - b * s, e < P.half);
}
