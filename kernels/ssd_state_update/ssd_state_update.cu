// Mamba-2 SSD scan (scalar A per head, B/C shared by the heads of a group), the CPU op `ssdScan` with its options
// (src/engine/backends/cpu/ssd-scan.ts; mamba_ssm selective_state_update with per-head scalar A for decode, and
// the chunked SSD of mamba_ssm/ops/triton/ssd_*.py for prefill):
//   Δ[t, hh] = clamp(softplus(dt[t, hh] + dt_bias[hh]), lo, hi)   (each step as asked: SyDeltaOptions)
//   h[hh, p, j] ← exp(Δ[t, hh]·A[hh]) · h[hh, p, j] + (Δ[t, hh]·x[t, hh, p]) · B[t, g, j]
//   y[t, hh, p] = Σ_j h[hh, p, j] · C[t, g, j] + D[hh] · x[t, hh, p]        g = ⌊hh / (h/groups)⌋, t in order
// The decode kernel applies the dt options inline (composed around the scan they were up to three launches per
// layer); the chunked path turns dt into Δ once, into the scratch, ahead of its kernels.
// Layouts (row-major f32, device pointers): x [n, h, p], dt [n, h], dt_bias [h], A [h], B, C [n, g, s],
// D [h], state [h, p, s] (updated in place), y [n, h·p]. Chunked scratch, per window of ≤ 4096 tokens cut into
// nc chunks of L tokens: states [nc, h, p, s] (chunk states, then the states entering each chunk), decay [nc, h]
// (exp of the chunk's Σ Δ·A), cb [nc, g, L, L] (C_t·B_t' within a chunk), then Δ [n, h].
// Versions (the launcher picks by n; a prompt runs in windows of ≤ 4096 tokens, the state carried between them):
//   sequential (decode, n < 32) — one warp per state row (hh, p), 8 rows per block: lanes stride along s (float4
//     when s % 4 == 0, so s = 128 is one float4 per lane) and a xor-shuffle sum gives y. Same mapping as the WGSL
//     version, with shuffles in place of its shared-memory tree.
//   chunked (prefill) — the SSD's chunked form (chunks of L = 64 tokens, 128 from 1024 tokens on), four launches,
//     each of the three products a 64 × 64 f32 tile per block of 256 threads (4 × 4 outputs each, k-tiles of 32
//     staged in shared memory k-major, read as float4: no bank conflicts on the reads). With cs_t = Σ_{τ≤t} Δ_τ·A
//     inside the chunk, in f64:
//     1. chunk_cb:    CB[k, g][t, t'] = C_t · B_t'                        (t' ≤ t tiles only; rows per group)
//     2. chunk_state: S_k[hh] = Σ_t' exp(cs_end − cs_t')·Δ_t'·x_t' ⊗ B_t'    (tiles of p × s) and exp(cs_end)
//     3. chunk_carry: one thread per state entry, sequential over chunks: H₀ = state, H_{k+1} = exp(cs_end)·H_k + S_k;
//                     H_k over S_k, the last carry into state
//     4. chunk_scan:  y_t = exp(cs_t)·C_t·H_k + Σ_{t'≤t} CB[t, t']·exp(cs_t − cs_t')·Δ_t'·x_t' + D·x_t
//                     (tiles of t × p; the t' sum stops at the tile's last row)
//     f32 CUDA cores, not tensor cores: f32 models are held to the CPU's results within 1e-4, which TF32 misses.
// Launchers: sy_ssd_scan_scratch_floats(n, h, p, s, g, chunk); sy_ssd_scan(x, dt, A, B, C, D, state, y, scratch, n,
//   h, p, s, g, chunk, dt_bias, dt_softplus, dt_lo, dt_hi) → cudaError_t, on the engine's stream. chunk 0 plans; > 0 forces the chunked version with
//   chunks of that many tokens (≤ 256), < 0 the sequential one (checks and benches). ssd_state_update_f32(x, dt, A,
//   B, C, D, state, y, n, h, p, s, g, stream) is the sequential version alone, without options (the kernel bench).
#include <climits>
#include <cmath>

#include "../runtime/runtime.h"

namespace {

constexpr int kWarps = 8;

template <bool kVec4>
__global__ void __launch_bounds__(kWarps * 32) ssd_state_update_kernel(
    const float* __restrict__ x, const float* __restrict__ dt, const float* __restrict__ A, const float* __restrict__ B,
    const float* __restrict__ C, const float* __restrict__ D, float* __restrict__ state, float* __restrict__ y, int n,
    int nh, int p, int s, int g, SyDeltaOptions opt) {
  const int row = blockIdx.x * kWarps + threadIdx.x / 32;  // hh · p + pi
  const int lane = threadIdx.x % 32;
  if (row >= nh * p) return;  // whole warps leave together
  const int hh = row / p;
  const int group = hh / (nh / g);
  float* st = state + static_cast<size_t>(row) * s;
  const float a = A[hh];
  for (int t = 0; t < n; ++t) {
    const float dtv = sy_delta(dt[static_cast<size_t>(t) * nh + hh], opt, hh);
    const float dA = expf(dtv * a);
    const float xv = x[static_cast<size_t>(t) * nh * p + row];
    const float dx = dtv * xv;
    const size_t go = (static_cast<size_t>(t) * g + group) * s;
    float acc = 0.f;
    if (kVec4) {
      float4* s4 = reinterpret_cast<float4*>(st);
      const float4* b4 = reinterpret_cast<const float4*>(B + go);
      const float4* c4 = reinterpret_cast<const float4*>(C + go);
      for (int j = lane; j < s / 4; j += 32) {
        float4 hv = s4[j];
        const float4 bv = b4[j], cv = c4[j];
        hv.x = hv.x * dA + dx * bv.x; hv.y = hv.y * dA + dx * bv.y;
        hv.z = hv.z * dA + dx * bv.z; hv.w = hv.w * dA + dx * bv.w;
        s4[j] = hv;
        acc += hv.x * cv.x + hv.y * cv.y + hv.z * cv.z + hv.w * cv.w;
      }
    } else {
      for (int j = lane; j < s; j += 32) {
        const float hv = st[j] * dA + dx * B[go + j];
        st[j] = hv;
        acc += hv * C[go + j];
      }
    }
    for (int o = 16; o > 0; o >>= 1) acc += __shfl_xor_sync(0xffffffffu, acc, o);
    if (lane == 0) y[static_cast<size_t>(t) * nh * p + row] = acc + D[hh] * xv;
  }
}

// ── chunked ──────────────────────────────────────────────────────────────────────────────────────────────────
constexpr int kThreads = 256;
constexpr int kTile = 64;        // output tile edge
constexpr int kKTile = 32;       // k-steps staged per round
constexpr int kLd = kTile + 4;   // a staged k-row: 64 floats plus 4, so rows stay float4-aligned
constexpr int kWindow = 4096;    // tokens per chunked pass: bounds the scratch
constexpr int kMinTokens = 32;   // shorter windows (the decode step, short prompts) run sequentially
constexpr int kMaxChunk = 256;
constexpr int kBatch = 8;        // chunk_carry loads this many chunks ahead of its dependent chain

// Thread tid's 4 × 4 outputs: rows 4·ty …, columns 4·tx … of the tile. A warp is 4 ty × 8 tx, so its float4 reads
// of a k-row touch 4 and 8 consecutive float4s: one shared-memory wavefront each.
struct TilePos {
  int ty, tx;
};
__device__ __forceinline__ TilePos tile_pos() {
  const int w = threadIdx.x >> 5, lane = threadIdx.x & 31;
  return {(w >> 1) * 4 + (lane >> 3), (w & 1) * 8 + (lane & 7)};
}

// S[kk·kLd + i] = get(i, kk) for i < 64, kk < 32 (zero where get says so). kRowFast: adjacent threads take
// adjacent i (sources contiguous along the tile's rows); else adjacent kk (sources contiguous along k).
template <bool kRowFast, class Get>
__device__ __forceinline__ void stage(float* S, Get get) {
#pragma unroll
  for (int q = 0; q < kTile * kKTile / kThreads; ++q) {
    const int e = threadIdx.x + q * kThreads;
    const int i = kRowFast ? (e & (kTile - 1)) : (e >> 5);
    const int kk = kRowFast ? (e >> 6) : (e & (kKTile - 1));
    S[kk * kLd + i] = get(i, kk);
  }
}

// acc[i][j] += Σ_kk As[kk][4·ty + i] · Bs[kk][4·tx + j]
__device__ __forceinline__ void tile_fma(const float* As, const float* Bs, TilePos tp, float (&acc)[4][4]) {
#pragma unroll 8
  for (int kk = 0; kk < kKTile; ++kk) {
    const float4 a = *reinterpret_cast<const float4*>(As + kk * kLd + tp.ty * 4);
    const float4 b = *reinterpret_cast<const float4*>(Bs + kk * kLd + tp.tx * 4);
    const float av[4] = {a.x, a.y, a.z, a.w}, bv[4] = {b.x, b.y, b.z, b.w};
#pragma unroll
    for (int i = 0; i < 4; ++i) {
#pragma unroll
      for (int j = 0; j < 4; ++j) acc[i][j] += av[i] * bv[j];
    }
  }
}

// out[(r0 + row)·ld + c0 + col] = acc for this thread's outputs inside rows × cols
__device__ __forceinline__ void store_tile(float* out, int ld, int rows, int cols, int r0, int c0, TilePos tp, const float (&acc)[4][4]) {
#pragma unroll
  for (int i = 0; i < 4; ++i) {
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int r = r0 + tp.ty * 4 + i, c = c0 + tp.tx * 4 + j;
      if (r < rows && c < cols) out[static_cast<size_t>(r) * ld + c] = acc[i][j];
    }
  }
}

// cs[i] = Σ_{τ ≤ i} Δ[t0+τ, hh]·A[hh] for i < len, in f64 (called by warp 0 alone). Decays within a chunk are
// exp(cs_t − cs_t'): in f32 the difference of two large cumulative sums would lose the small gap between them.
__device__ void chunk_cumsum(const float* __restrict__ dt, int nh, int hh, double a, int t0, int len, double* cs) {
  const int lane = threadIdx.x & 31;
  const int per = (len + 31) >> 5, beg = lane * per, end = min(len, beg + per);
  double run = 0.0;
  for (int i = beg; i < end; ++i) run += static_cast<double>(dt[static_cast<size_t>(t0 + i) * nh + hh]) * a;
  double incl = run;
  for (int o = 1; o < 32; o <<= 1) {
    const double v = __shfl_up_sync(0xffffffffu, incl, o);
    if (lane >= o) incl += v;
  }
  double acc = __shfl_up_sync(0xffffffffu, incl, 1);
  if (lane == 0) acc = 0.0;
  for (int i = beg; i < end; ++i) {
    acc += static_cast<double>(dt[static_cast<size_t>(t0 + i) * nh + hh]) * a;
    cs[i] = acc;
  }
}

// grid (nc, g, rt²) with rt = ⌈L/64⌉: tile (rb, cb) of CB for chunk k and group grp; tiles above the diagonal
// are never read.
__global__ void __launch_bounds__(kThreads) chunk_cb_kernel(const float* __restrict__ B, const float* __restrict__ C,
                                                            float* __restrict__ cb, int n, int g, int s, int L) {
  __shared__ __align__(16) float As[kKTile * kLd];
  __shared__ __align__(16) float Bs[kKTile * kLd];
  const int rt = (L + kTile - 1) / kTile;
  const int k = blockIdx.x, grp = blockIdx.y, rb = blockIdx.z / rt, cbt = blockIdx.z % rt;
  const int t0 = k * L, len = min(L, n - t0), r0 = rb * kTile, c0 = cbt * kTile;
  if (cbt > rb || r0 >= len) return;  // the whole block: no barrier is skipped by part of it
  const TilePos tp = tile_pos();
  float acc[4][4] = {};
  for (int j0 = 0; j0 < s; j0 += kKTile) {
    __syncthreads();
    stage<false>(As, [&](int i, int kk) {
      const int t = r0 + i, j = j0 + kk;
      return t < len && j < s ? C[(static_cast<size_t>(t0 + t) * g + grp) * s + j] : 0.f;
    });
    stage<false>(Bs, [&](int i, int kk) {
      const int t = c0 + i, j = j0 + kk;
      return t < len && j < s ? B[(static_cast<size_t>(t0 + t) * g + grp) * s + j] : 0.f;
    });
    __syncthreads();
    tile_fma(As, Bs, tp, acc);
  }
  store_tile(cb + (static_cast<size_t>(k) * g + grp) * L * L, L, len, len, r0, c0, tp, acc);
}

// grid (nc, h, ⌈p/64⌉·⌈s/64⌉): the (p, s) tile of S_k for head hh.
__global__ void __launch_bounds__(kThreads) chunk_state_kernel(const float* __restrict__ x, const float* __restrict__ dt,
                                                               const float* __restrict__ A, const float* __restrict__ B,
                                                               float* __restrict__ states, float* __restrict__ decay, int n,
                                                               int nh, int p, int s, int g, int L) {
  __shared__ __align__(16) float As[kKTile * kLd];
  __shared__ __align__(16) float Bs[kKTile * kLd];
  __shared__ double cs[kMaxChunk];
  __shared__ float w[kMaxChunk];
  const int st = (s + kTile - 1) / kTile;
  const int k = blockIdx.x, hh = blockIdx.y, pi0 = (blockIdx.z / st) * kTile, j0 = (blockIdx.z % st) * kTile;
  const int t0 = k * L, len = min(L, n - t0), grp = hh / (nh / g);
  if (threadIdx.x < 32) chunk_cumsum(dt, nh, hh, static_cast<double>(A[hh]), t0, len, cs);
  __syncthreads();
  for (int i = threadIdx.x; i < len; i += kThreads) {
    w[i] = expf(static_cast<float>(cs[len - 1] - cs[i])) * dt[static_cast<size_t>(t0 + i) * nh + hh];
  }
  // The chunk's decay as the exp of its summed exponent (f64), not a product of L rounded per-step exps.
  if (blockIdx.z == 0 && threadIdx.x == 0) decay[static_cast<size_t>(k) * nh + hh] = expf(static_cast<float>(cs[len - 1]));
  const TilePos tp = tile_pos();
  float acc[4][4] = {};
  for (int q0 = 0; q0 < len; q0 += kKTile) {
    __syncthreads();  // (the first one also publishes w)
    stage<true>(As, [&](int i, int kk) {
      const int tq = q0 + kk, pi = pi0 + i;
      return tq < len && pi < p ? w[tq] * x[(static_cast<size_t>(t0 + tq) * nh + hh) * p + pi] : 0.f;
    });
    stage<true>(Bs, [&](int i, int kk) {
      const int tq = q0 + kk, j = j0 + i;
      return tq < len && j < s ? B[(static_cast<size_t>(t0 + tq) * g + grp) * s + j] : 0.f;
    });
    __syncthreads();
    tile_fma(As, Bs, tp, acc);
  }
  store_tile(states + (static_cast<size_t>(k) * nh + hh) * p * s, s, p, s, pi0, j0, tp, acc);
}

__global__ void __launch_bounds__(kThreads) chunk_carry_kernel(const float* __restrict__ decay, float* __restrict__ states,
                                                               float* __restrict__ state, int nc, int nh, int ps) {
  const size_t total = static_cast<size_t>(nh) * ps;
  const size_t e = static_cast<size_t>(blockIdx.x) * kThreads + threadIdx.x;  // (hh·p + pi)·s + j
  if (e >= total) return;
  const int hh = static_cast<int>(e / ps);
  float carry = state[e];
  for (int k0 = 0; k0 < nc; k0 += kBatch) {
    float sv[kBatch], dv[kBatch];
#pragma unroll
    for (int q = 0; q < kBatch; ++q) {
      const int k = k0 + q;
      sv[q] = k < nc ? states[k * total + e] : 0.f;
      dv[q] = k < nc ? decay[static_cast<size_t>(k) * nh + hh] : 0.f;
    }
#pragma unroll
    for (int q = 0; q < kBatch; ++q) {
      const int k = k0 + q;
      if (k < nc) {
        states[k * total + e] = carry;  // H_k: the state entering chunk k
        carry = dv[q] * carry + sv[q];
      }
    }
  }
  state[e] = carry;
}

// grid (nc·rt, h, ⌈p/64⌉): rows r0 … r0+63 of chunk k (rt = ⌈L/64⌉ row tiles per chunk), a 64-wide slice of p.
__global__ void __launch_bounds__(kThreads) chunk_scan_kernel(const float* __restrict__ x, const float* __restrict__ dt,
                                                              const float* __restrict__ A, const float* __restrict__ C,
                                                              const float* __restrict__ D, const float* __restrict__ starts,
                                                              const float* __restrict__ cb, float* __restrict__ y, int n,
                                                              int nh, int p, int s, int g, int L) {
  __shared__ __align__(16) float As[kKTile * kLd];
  __shared__ __align__(16) float Bs[kKTile * kLd];
  __shared__ double cs[kMaxChunk];
  const int rt = (L + kTile - 1) / kTile;
  const int k = blockIdx.x / rt, r0 = (blockIdx.x % rt) * kTile, hh = blockIdx.y, pi0 = blockIdx.z * kTile;
  const int t0 = k * L, len = min(L, n - t0), grp = hh / (nh / g);
  if (r0 >= len) return;  // the whole block (a short last chunk)
  if (threadIdx.x < 32) chunk_cumsum(dt, nh, hh, static_cast<double>(A[hh]), t0, len, cs);
  __syncthreads();
  const TilePos tp = tile_pos();
  float acc[4][4] = {};
  // the state entering the chunk, seen through C: Σ_j C[t, j]·H_k[pi, j]
  const float* hk = starts + (static_cast<size_t>(k) * nh + hh) * p * s;
  for (int j0 = 0; j0 < s; j0 += kKTile) {
    __syncthreads();
    stage<false>(As, [&](int i, int kk) {
      const int t = r0 + i, j = j0 + kk;
      return t < len && j < s ? C[(static_cast<size_t>(t0 + t) * g + grp) * s + j] : 0.f;
    });
    stage<false>(Bs, [&](int i, int kk) {
      const int pi = pi0 + i, j = j0 + kk;
      return pi < p && j < s ? hk[static_cast<size_t>(pi) * s + j] : 0.f;
    });
    __syncthreads();
    tile_fma(As, Bs, tp, acc);
  }
#pragma unroll
  for (int i = 0; i < 4; ++i) {
    const int t = r0 + tp.ty * 4 + i;
    const float f = t < len ? expf(static_cast<float>(cs[t])) : 0.f;
#pragma unroll
    for (int j = 0; j < 4; ++j) acc[i][j] *= f;
  }
  // the chunk's own inputs: Σ_{t' ≤ t} CB[t, t']·exp(cs_t − cs_t')·Δ_t'·x[t', pi], t' up to the tile's last row
  const float* cbk = cb + (static_cast<size_t>(k) * g + grp) * L * L;
  const int kend = min(len, r0 + kTile);
  for (int q0 = 0; q0 < kend; q0 += kKTile) {
    __syncthreads();
    stage<false>(As, [&](int i, int kk) {
      const int t = r0 + i, tq = q0 + kk;
      return t < len && tq <= t ? cbk[static_cast<size_t>(t) * L + tq] * expf(static_cast<float>(cs[t] - cs[tq])) : 0.f;
    });
    stage<true>(Bs, [&](int i, int kk) {
      const int tq = q0 + kk, pi = pi0 + i;
      if (tq >= len || pi >= p) return 0.f;
      const size_t at = static_cast<size_t>(t0 + tq) * nh + hh;
      return dt[at] * x[at * p + pi];
    });
    __syncthreads();
    tile_fma(As, Bs, tp, acc);
  }
  const float dd = D[hh];
#pragma unroll
  for (int i = 0; i < 4; ++i) {
#pragma unroll
    for (int j = 0; j < 4; ++j) {
      const int t = r0 + tp.ty * 4 + i, pi = pi0 + tp.tx * 4 + j;
      if (t < len && pi < p) {
        const size_t at = (static_cast<size_t>(t0 + t) * nh + hh) * p + pi;
        y[at] = acc[i][j] + dd * x[at];
      }
    }
  }
}

// How one window of n tokens runs: 0 = sequential, > 0 = chunked with chunks of that length, < 0 = not possible
// (a forced chunk length out of range, or scratch past what an int counts).
int plan_window(int n, int nh, int p, int s, int g, int chunk) {
  if (chunk < 0 || n <= 0) return 0;
  const int L = chunk > 0 ? chunk : n < kMinTokens ? 0 : n < 1024 ? 64 : 128;
  if (L > kMaxChunk) return -1;
  if (L == 0) return 0;
  const long long nc = (n + L - 1) / L;
  const long long floats = nc * nh * p * s + nc * nh + nc * g * L * L + static_cast<long long>(n) * nh;
  if (floats > INT_MAX) return chunk > 0 ? -1 : 0;
  return L;
}

long long window_scratch(int L, int n, int nh, int p, int s, int g) {
  if (L <= 0) return 0;
  const long long nc = (n + L - 1) / L;
  return nc * nh * p * s + nc * nh + nc * g * L * L + static_cast<long long>(n) * nh;
}

bool any_option(const SyDeltaOptions& o) { return o.bias || o.softplus || o.lo > -INFINITY || o.hi < INFINITY; }

__global__ void __launch_bounds__(kThreads) delta_kernel(const float* __restrict__ dt, SyDeltaOptions opt, float* __restrict__ out, int count, int nh) {
  const int i = blockIdx.x * kThreads + threadIdx.x;
  if (i < count) out[i] = sy_delta(dt[i], opt, i % nh);
}

int launch_chunked(int L, const float* x, const float* dt, const float* A, const float* B, const float* C, const float* D,
                   float* state, float* y, float* scratch, int n, int nh, int p, int s, int g, const SyDeltaOptions& opt,
                   cudaStream_t stream) {
  const int nc = (n + L - 1) / L, rt = (L + kTile - 1) / kTile;
  const int pt = (p + kTile - 1) / kTile, st = (s + kTile - 1) / kTile;
  float* states = scratch;
  float* decay = states + static_cast<size_t>(nc) * nh * p * s;
  float* cb = decay + static_cast<size_t>(nc) * nh;
  if (any_option(opt)) {
    float* delta = cb + static_cast<size_t>(nc) * g * L * L;
    delta_kernel<<<(n * nh + kThreads - 1) / kThreads, kThreads, 0, stream>>>(dt, opt, delta, n * nh, nh);
    dt = delta;
  }
  chunk_cb_kernel<<<dim3(nc, g, rt * rt), kThreads, 0, stream>>>(B, C, cb, n, g, s, L);
  chunk_state_kernel<<<dim3(nc, nh, pt * st), kThreads, 0, stream>>>(x, dt, A, B, states, decay, n, nh, p, s, g, L);
  const size_t total = static_cast<size_t>(nh) * p * s;
  chunk_carry_kernel<<<static_cast<unsigned>((total + kThreads - 1) / kThreads), kThreads, 0, stream>>>(decay, states, state, nc, nh, p * s);
  chunk_scan_kernel<<<dim3(nc * rt, nh, pt), kThreads, 0, stream>>>(x, dt, A, C, D, states, cb, y, n, nh, p, s, g, L);
  return cudaGetLastError();
}

constexpr SyDeltaOptions kNoOptions{nullptr, 0, -INFINITY, INFINITY};

int launch_sequential(const float* x, const float* dt, const float* A, const float* B, const float* C, const float* D,
                      float* state, float* y, int n, int h, int p, int s, int g, const SyDeltaOptions& opt, cudaStream_t stream) {
  const int blocks = (h * p + kWarps - 1) / kWarps;
  if (s % 4 == 0) ssd_state_update_kernel<true><<<blocks, kWarps * 32, 0, stream>>>(x, dt, A, B, C, D, state, y, n, h, p, s, g, opt);
  else ssd_state_update_kernel<false><<<blocks, kWarps * 32, 0, stream>>>(x, dt, A, B, C, D, state, y, n, h, p, s, g, opt);
  return cudaGetLastError();
}

}  // namespace

extern "C" int ssd_state_update_f32(const float* x, const float* dt, const float* A, const float* B, const float* C,
                                    const float* D, float* state, float* y, int n, int h, int p, int s, int g,
                                    cudaStream_t stream) {
  if (n <= 0 || h <= 0 || p <= 0 || s <= 0) return cudaSuccess;
  if (g <= 0 || h % g != 0) return cudaErrorInvalidValue;
  return launch_sequential(x, dt, A, B, C, D, state, y, n, h, p, s, g, kNoOptions, stream);
}

// Floats of scratch sy_ssd_scan needs for these arguments (0: it runs sequentially); the largest window decides.
extern "C" int sy_ssd_scan_scratch_floats(int n, int h, int p, int s, int g, int chunk) {
  if (n <= 0 || h <= 0 || p <= 0 || s <= 0 || g <= 0 || h % g != 0) return 0;
  const int first = n < kWindow ? n : kWindow, last = n % kWindow;
  long long floats = window_scratch(plan_window(first, h, p, s, g, chunk), first, h, p, s, g);
  if (last > 0 && n > kWindow) {
    const long long tail = window_scratch(plan_window(last, h, p, s, g, chunk), last, h, p, s, g);
    if (tail > floats) floats = tail;
  }
  return static_cast<int>(floats);  // plan_window keeps each window's count within an int
}

extern "C" int sy_ssd_scan(const float* x, const float* dt, const float* A, const float* B, const float* C, const float* D,
                           float* state, float* y, float* scratch, int n, int h, int p, int s, int g, int chunk,
                           const float* dt_bias, int dt_softplus, float dt_lo, float dt_hi) {
  const SyDeltaOptions opt{dt_bias, dt_softplus, dt_lo, dt_hi};
  if (n <= 0 || h <= 0 || p <= 0 || s <= 0) return cudaSuccess;
  if (g <= 0 || h % g != 0) return cudaErrorInvalidValue;
  cudaStream_t stream = sy_stream_handle();
  for (int w0 = 0; w0 < n; w0 += kWindow) {
    const int nw = n - w0 < kWindow ? n - w0 : kWindow;
    const int L = plan_window(nw, h, p, s, g, chunk);
    const size_t row = static_cast<size_t>(w0) * h, grow = static_cast<size_t>(w0) * g * s;
    const float *xw = x + row * p, *dw = dt + row, *bw = B + grow, *cw = C + grow;
    float* yw = y + row * p;
    int e = cudaErrorInvalidValue;
    if (L == 0) e = launch_sequential(xw, dw, A, bw, cw, D, state, yw, nw, h, p, s, g, opt, stream);
    else if (L > 0 && scratch) e = launch_chunked(L, xw, dw, A, bw, cw, D, state, yw, scratch, nw, h, p, s, g, opt, stream);
    if (e != cudaSuccess) return e;
  }
  return cudaSuccess;
}
