// Causal GQA attention over a KV cache, the CPU op `attention` (src/engine/backends/cpu/attention.ts): the cache
// holds the n query tokens at rows pos … pos+n−1 (pos [1] read on the device), query i sees keys 0 … pos+i:
//   out[i, hh, :] = Σ_j softmax_j(scale · q[i, hh]·K[j, kv]) · V[j, kv, :],  kv = ⌊hh / (h/kvh)⌋
// Layouts (row-major): q [n, h, hd] f32, keys, values [capacity, kvh·hd] in the cache dtype (sy_kv_dtype: f32, or
// bf16 for half-precision models), out [n, h·hd] f32; hd ≤ 256.
// Versions (the launcher picks by n and the cache dtype):
//   split (n ≤ 16; decode) — flash-decoding: keys split into a fixed number of chunks planned from the cache's
//     capacity (so a recorded step replays at any length), a block of 4 warps per (split, head, query), each warp
//     on every 4th key with its own online softmax, lanes owning output dims; a second kernel merges the splits
//     from scratch [n, h, splits, hd + 2]. Splits past the query's last key only mark themselves empty.
//   tiled (n > 16, f32 cache; prefill) — a block of 4 warps per (16 queries, head): tiles of 32 keys and values
//     staged in shared memory (rows padded by one float: no bank conflicts), each warp with 4 queries, lane j
//     scoring key j, online softmax across the warp, lanes owning output dims. O(n) memory: no n×t scores. f32 on
//     CUDA cores: the path of f32 models, which are held to the CPU's results.
//   flash (n > 16, bf16 cache, hd ∈ {32, 64, 96, 128}; prefill) — flash attention 2 on the tensor cores: a block of
//     4 warps per (64 queries, head), each warp 16 queries; K/V tiles of 64 keys double-buffered in shared memory
//     by cp.async; S = Q·Kᵀ and O += P·V as mma.sync m16n8k16 bf16 products with f32 accumulation; the online
//     softmax (base 2, scale folded in) on the score registers, which become P·V's A operand in place; O and the
//     row sums stay in registers until the end. Replaced a WMMA version whose O lived in shared memory and whose
//     K/V were f32, narrowed per tile: it ran at 0.8× the f32 tiled kernel (docs/gpu-notes.md).
// Launchers: sy_kv_dtype(hd, half); sy_attention_scratch_floats(n, h, hd, capacity); sy_attention(q, keys, values,
//   pos, scratch, out, n, h, kvh, hd, capacity, scale, dtype) → cudaError_t.
#include "../runtime/runtime.h"

namespace {

constexpr int kWarps = 4;
constexpr int kTargetBlocks = 2048;
constexpr int kSplitMaxQueries = 16;

int split_count(int h, int capacity) {
  int splits = (kTargetBlocks + h - 1) / h;
  const int max_splits = (capacity + 63) / 64;
  if (splits > max_splits) splits = max_splits;
  return splits < 1 ? 1 : splits;
}

template <int PER, typename T>
__global__ void __launch_bounds__(kWarps * 32) split_partial_kernel(
    const float* __restrict__ q, const T* __restrict__ keys, const T* __restrict__ values, const float* __restrict__ pos,
    float* __restrict__ part, int h, int kvh, int hd, int chunk, int splits, float scale) {
  __shared__ float warp_m[kWarps], warp_l[kWarps], warp_acc[kWarps][PER * 32];
  const int sp = blockIdx.x, hh = blockIdx.y, qi = blockIdx.z;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int width = kvh * hd;
  const size_t kvo = static_cast<size_t>(hh / (h / kvh)) * hd;
  const int t = static_cast<int>(pos[0]) + qi + 1;
  const float* qr = q + (static_cast<size_t>(qi) * h + hh) * hd;
  float qv[PER], acc[PER];
#pragma unroll
  for (int r = 0; r < PER; ++r) {
    const int e = lane + 32 * r;
    qv[r] = e < hd ? qr[e] : 0.f;
    acc[r] = 0.f;
  }
  float m = -INFINITY, l = 0.f;
  const int start = sp * chunk, end = min(t, start + chunk);
  for (int j = start + warp; j < end; j += kWarps) {
    const T* kr = keys + static_cast<size_t>(j) * width + kvo;
    const T* vr = values + static_cast<size_t>(j) * width + kvo;
    float dot = 0.f;
#pragma unroll
    for (int r = 0; r < PER; ++r) {
      const int e = lane + 32 * r;
      if (e < hd) dot += qv[r] * sy_load(kr, e);
    }
    for (int o = 16; o > 0; o >>= 1) dot += __shfl_xor_sync(0xffffffffu, dot, o);
    const float sc = dot * scale;
    const float mn = fmaxf(m, sc);
    const float corr = expf(m - mn);
    const float pw = expf(sc - mn);
    l = l * corr + pw;
#pragma unroll
    for (int r = 0; r < PER; ++r) {
      const int e = lane + 32 * r;
      acc[r] = acc[r] * corr + (e < hd ? pw * sy_load(vr, e) : 0.f);
    }
    m = mn;
  }
  if (lane == 0) { warp_m[warp] = m; warp_l[warp] = l; }
#pragma unroll
  for (int r = 0; r < PER; ++r) warp_acc[warp][lane + 32 * r] = acc[r];
  __syncthreads();
  float mx = -INFINITY;
  for (int w = 0; w < kWarps; ++w) mx = fmaxf(mx, warp_m[w]);
  float total = 0.f, f[kWarps];
  for (int w = 0; w < kWarps; ++w) {
    f[w] = warp_l[w] > 0.f ? expf(warp_m[w] - mx) : 0.f;
    total += warp_l[w] * f[w];
  }
  const size_t po = ((static_cast<size_t>(qi) * h + hh) * splits + sp) * (hd + 2);
  for (int e = threadIdx.x; e < hd; e += kWarps * 32) {
    float v = 0.f;
    for (int w = 0; w < kWarps; ++w) v += warp_acc[w][e] * f[w];
    part[po + 2 + e] = v;
  }
  if (threadIdx.x == 0) {
    part[po] = total > 0.f ? mx : -INFINITY;
    part[po + 1] = total;
  }
}

__global__ void split_combine_kernel(const float* __restrict__ part, float* __restrict__ out, int h, int hd, int splits) {
  const int hh = blockIdx.x, qi = blockIdx.y;
  const size_t stride = hd + 2, base = (static_cast<size_t>(qi) * h + hh) * splits * stride;
  float mx = -INFINITY;
  for (int s = 0; s < splits; ++s) mx = fmaxf(mx, part[base + s * stride]);
  float total = 0.f;
  for (int s = 0; s < splits; ++s) {
    const float l = part[base + s * stride + 1];
    if (l > 0.f) total += l * expf(part[base + s * stride] - mx);
  }
  for (int e = threadIdx.x; e < hd; e += blockDim.x) {
    float v = 0.f;
    for (int s = 0; s < splits; ++s) {
      if (part[base + s * stride + 1] > 0.f) v += part[base + s * stride + 2 + e] * expf(part[base + s * stride] - mx);
    }
    out[(static_cast<size_t>(qi) * h + hh) * hd + e] = v / total;
  }
}

constexpr int kTileQ = 16, kTileK = 32;

template <int PER>
__global__ void __launch_bounds__(kWarps * 32) tiled_kernel(const float* __restrict__ q, const float* __restrict__ keys,
                                                            const float* __restrict__ values, const float* __restrict__ pos,
                                                            float* __restrict__ out, int n, int h, int kvh, int hd, float scale) {
  extern __shared__ float smem[];
  const int ld = hd + 1;
  float* ks = smem;                 // [kTileK][hd + 1]
  float* vs = ks + kTileK * ld;     // [kTileK][hd + 1]
  float* qs = vs + kTileK * ld;     // [kTileQ][hd]
  const int q0 = blockIdx.x * kTileQ, hh = blockIdx.y;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int width = kvh * hd;
  const size_t kvo = static_cast<size_t>(hh / (h / kvh)) * hd;
  const int p0 = static_cast<int>(pos[0]);
  for (int i = threadIdx.x; i < kTileQ * hd; i += kWarps * 32) {
    const int qi = q0 + i / hd;
    qs[i] = qi < n ? q[(static_cast<size_t>(qi) * h + hh) * hd + i % hd] : 0.f;
  }
  constexpr int kPerWarp = kTileQ / kWarps;
  float m[kPerWarp], l[kPerWarp], acc[kPerWarp][PER];
#pragma unroll
  for (int a = 0; a < kPerWarp; ++a) {
    m[a] = -INFINITY;
    l[a] = 0.f;
#pragma unroll
    for (int r = 0; r < PER; ++r) acc[a][r] = 0.f;
  }
  const int last_q = min(n, q0 + kTileQ) - 1;
  const int keys_needed = p0 + last_q + 1;
  for (int k0 = 0; k0 < keys_needed; k0 += kTileK) {
    __syncthreads();
    for (int i = threadIdx.x; i < kTileK * hd; i += kWarps * 32) {
      const int j = i / hd, e = i % hd, kj = k0 + j;
      const bool ok = kj < keys_needed;
      ks[j * ld + e] = ok ? keys[static_cast<size_t>(kj) * width + kvo + e] : 0.f;
      vs[j * ld + e] = ok ? values[static_cast<size_t>(kj) * width + kvo + e] : 0.f;
    }
    __syncthreads();
#pragma unroll
    for (int a = 0; a < kPerWarp; ++a) {
      const int qi_local = warp * kPerWarp + a, qi = q0 + qi_local;
      if (qi >= n) continue;
      const int seen = p0 + qi;  // last key this query sees
      if (k0 > seen) continue;
      const float* qrow = qs + qi_local * hd;
      const float* krow = ks + lane * ld;
      float dot = 0.f;
      for (int e = 0; e < hd; ++e) dot += qrow[e] * krow[e];
      const float sc = k0 + lane <= seen ? dot * scale : -INFINITY;
      float tile_max = sc;
      for (int o = 16; o > 0; o >>= 1) tile_max = fmaxf(tile_max, __shfl_xor_sync(0xffffffffu, tile_max, o));
      const float mn = fmaxf(m[a], tile_max);
      const float corr = expf(m[a] - mn);
      const float pw = expf(sc - mn);
      float psum = pw;
      for (int o = 16; o > 0; o >>= 1) psum += __shfl_xor_sync(0xffffffffu, psum, o);
      l[a] = l[a] * corr + psum;
#pragma unroll
      for (int r = 0; r < PER; ++r) acc[a][r] *= corr;
      for (int j = 0; j < kTileK; ++j) {
        const float pj = __shfl_sync(0xffffffffu, pw, j);
#pragma unroll
        for (int r = 0; r < PER; ++r) {
          const int e = lane + 32 * r;
          if (e < hd) acc[a][r] += pj * vs[j * ld + e];
        }
      }
      m[a] = mn;
    }
  }
#pragma unroll
  for (int a = 0; a < kPerWarp; ++a) {
    const int qi = q0 + warp * kPerWarp + a;
    if (qi >= n) continue;
#pragma unroll
    for (int r = 0; r < PER; ++r) {
      const int e = lane + 32 * r;
      if (e < hd) out[(static_cast<size_t>(qi) * h + hh) * hd + e] = acc[a][r] / l[a];
    }
  }
}

// ── flash (tensor cores) ─────────────────────────────────────────────────────────────────────────────────────
// mma.sync m16n8k16 bf16 → f32, fragments as the PTX ISA lays them out (g = lane / 4, c = lane % 4):
//   A 16×16: a[0] = row g, cols 2c..2c+1;  a[1] = row g+8, cols 2c..;  a[2] = row g, cols 2c+8..;  a[3] = row g+8, cols 2c+8..
//   B 16×8:  b[0] = rows (k) 2c..2c+1, col g;  b[1] = rows 2c+8..2c+9, col g
//   C 16×8:  c[0..1] = row g, cols 2c..2c+1;  c[2..3] = row g+8, same cols
// so the score accumulators of two neighbouring 8-key tiles are, packed to bf16, the A operand of P·V: P never
// leaves registers. K and V tiles come in row-major by cp.async (16 bytes a copy, two stages: the next tile loads
// while this one computes), rows padded by 8 elements so the 8 rows an ldmatrix phase reads sit in 8 different
// 16-byte bank groups; K's B operand is a plain ldmatrix (rows = keys), V's an ldmatrix.trans (rows = keys, read as
// columns).
constexpr int kFlashQ = 16 * kWarps, kFlashK = 64;

__device__ __forceinline__ unsigned shared_address(const void* p) { return static_cast<unsigned>(__cvta_generic_to_shared(p)); }

// 16 bytes global → shared, or 16 zero bytes when !ok (rows past the keys needed: never garbage, which could be NaN)
__device__ __forceinline__ void copy16_async(void* dst, const void* src, bool ok) {
  asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(shared_address(dst)), "l"(src), "r"(ok ? 16 : 0));
}
__device__ __forceinline__ void copies_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int PENDING>
__device__ __forceinline__ void copies_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(PENDING)); }

__device__ __forceinline__ void ldmatrix4(unsigned (&r)[4], const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(shared_address(p)));
}
__device__ __forceinline__ void ldmatrix4_trans(unsigned (&r)[4], const void* p) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(shared_address(p)));
}
__device__ __forceinline__ void mma_bf16(float (&d)[4], const unsigned (&a)[4], unsigned b0, unsigned b1) {
  asm("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
      : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}
__device__ __forceinline__ unsigned pack_bf16(float lo, float hi) {
  const __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
  return *reinterpret_cast<const unsigned*>(&v);
}

template <int HD>
constexpr int flash_shared_bytes() {
  return 2 * 2 * kFlashK * (HD + 8) * static_cast<int>(sizeof(__nv_bfloat16));  // 2 stages × (K, V)
}

template <int HD>
__global__ void __launch_bounds__(kWarps * 32) flash_kernel(const float* __restrict__ q, const __nv_bfloat16* __restrict__ keys,
                                                            const __nv_bfloat16* __restrict__ values, const float* __restrict__ pos,
                                                            float* __restrict__ out, int n, int h, int kvh, float scale_log2) {
  constexpr int LD = HD + 8, TILE = kFlashK * LD, CHUNKS = HD / 8;
  extern __shared__ __align__(16) unsigned char smem_raw[];
  __nv_bfloat16* smem = reinterpret_cast<__nv_bfloat16*>(smem_raw);  // [stage][K | V][kFlashK][LD]
  // the latest query blocks see the most keys: they start first, so the short ones fill the tail
  const int q0 = (gridDim.x - 1 - blockIdx.x) * kFlashQ, hh = blockIdx.y;
  const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32, g = lane / 4, c = lane % 4;
  const int width = kvh * HD;
  const size_t kvo = static_cast<size_t>(hh / (h / kvh)) * HD;
  const int p0 = static_cast<int>(pos[0]);
  const int keys_needed = p0 + min(n, q0 + kFlashQ);
  const int tiles = (keys_needed + kFlashK - 1) / kFlashK;

  auto load_tile = [&](int tile, int stage) {
    __nv_bfloat16* ks = smem + stage * 2 * TILE;
    __nv_bfloat16* vs = ks + TILE;
    for (int i = tid; i < kFlashK * CHUNKS; i += kWarps * 32) {
      const int r = i / CHUNKS, ch = i % CHUNKS, kj = tile * kFlashK + r;
      const bool ok = kj < keys_needed;
      const size_t at = static_cast<size_t>(ok ? kj : 0) * width + kvo + ch * 8;
      copy16_async(ks + r * LD + ch * 8, keys + at, ok);
      copy16_async(vs + r * LD + ch * 8, values + at, ok);
    }
    copies_commit();
  };
  load_tile(0, 0);

  // this warp's 16 queries: rows g and g + 8 of the fragments; rows past n repeat the last query's position
  const int qw = q0 + warp * 16;
  const int row[2] = {qw + g, qw + g + 8};
  const int qpos[2] = {p0 + min(row[0], n - 1), p0 + min(row[1], n - 1)};
  unsigned qf[HD / 16][4];
#pragma unroll
  for (int kd = 0; kd < HD / 16; ++kd) {
#pragma unroll
    for (int part = 0; part < 4; ++part) {
      const int qi = row[part & 1], col = kd * 16 + (part >> 1) * 8 + 2 * c;
      const float2 v = qi < n ? *reinterpret_cast<const float2*>(q + (static_cast<size_t>(qi) * h + hh) * HD + col) : make_float2(0.f, 0.f);
      qf[kd][part] = pack_bf16(v.x, v.y);
    }
  }
  float o[HD / 8][4];
#pragma unroll
  for (int dt = 0; dt < HD / 8; ++dt) o[dt][0] = o[dt][1] = o[dt][2] = o[dt][3] = 0.f;
  float m[2] = {-INFINITY, -INFINITY}, l[2] = {0.f, 0.f};
  const bool live = qw < n;
  const int warp_last = p0 + min(n - 1, qw + 15);  // the last key any of its queries sees
  const int mi = lane / 8, mr = lane % 8;           // the ldmatrix matrix and row this lane addresses

  for (int t = 0; t < tiles; ++t) {
    if (t + 1 < tiles) {
      load_tile(t + 1, (t + 1) & 1);
      copies_wait<1>();
    } else {
      copies_wait<0>();
    }
    __syncthreads();
    const int k0 = t * kFlashK;
    if (live && k0 <= warp_last) {
      const __nv_bfloat16* ks = smem + (t & 1) * 2 * TILE;
      const __nv_bfloat16* vs = ks + TILE;
      float s[kFlashK / 8][4];
#pragma unroll
      for (int nt = 0; nt < kFlashK / 8; ++nt) s[nt][0] = s[nt][1] = s[nt][2] = s[nt][3] = 0.f;
#pragma unroll
      for (int kd = 0; kd < HD / 16; ++kd) {
#pragma unroll
        for (int nt = 0; nt < kFlashK / 8; nt += 2) {
          unsigned b[4];  // keys of tiles nt, nt+1 × dims kd·16 + (0..7 | 8..15)
          ldmatrix4(b, ks + ((nt + (mi >> 1)) * 8 + mr) * LD + kd * 16 + (mi & 1) * 8);
          mma_bf16(s[nt], qf[kd], b[0], b[1]);
          mma_bf16(s[nt + 1], qf[kd], b[2], b[3]);
        }
      }
      const bool masked = k0 + kFlashK - 1 > p0 + qw;  // the tile reaches past some query's position
      float mx[2] = {-INFINITY, -INFINITY};
#pragma unroll
      for (int nt = 0; nt < kFlashK / 8; ++nt) {
#pragma unroll
        for (int e = 0; e < 4; ++e) {
          const int rr = e >> 1, key = k0 + nt * 8 + 2 * c + (e & 1);
          const float v = masked && key > qpos[rr] ? -INFINITY : s[nt][e] * scale_log2;
          s[nt][e] = v;
          mx[rr] = fmaxf(mx[rr], v);
        }
      }
      float corr[2];
#pragma unroll
      for (int rr = 0; rr < 2; ++rr) {
        mx[rr] = fmaxf(mx[rr], __shfl_xor_sync(0xffffffffu, mx[rr], 1));
        mx[rr] = fmaxf(mx[rr], __shfl_xor_sync(0xffffffffu, mx[rr], 2));
        // finite from the first tile on: every query sees key 0
        const float mn = fmaxf(m[rr], mx[rr]);
        corr[rr] = exp2f(m[rr] - mn);
        m[rr] = mn;
      }
      unsigned pf[kFlashK / 16][4];
      float sum[2] = {0.f, 0.f};
#pragma unroll
      for (int nt = 0; nt < kFlashK / 8; ++nt) {
        const float a = exp2f(s[nt][0] - m[0]), b = exp2f(s[nt][1] - m[0]);
        const float cc = exp2f(s[nt][2] - m[1]), d = exp2f(s[nt][3] - m[1]);
        sum[0] += a + b;
        sum[1] += cc + d;
        pf[nt / 2][(nt % 2) * 2] = pack_bf16(a, b);
        pf[nt / 2][(nt % 2) * 2 + 1] = pack_bf16(cc, d);
      }
      // l stays a per-lane partial (the quad shares m and corr); the quad sums it once at the end
      l[0] = l[0] * corr[0] + sum[0];
      l[1] = l[1] * corr[1] + sum[1];
#pragma unroll
      for (int dt = 0; dt < HD / 8; ++dt) {
        o[dt][0] *= corr[0];
        o[dt][1] *= corr[0];
        o[dt][2] *= corr[1];
        o[dt][3] *= corr[1];
      }
#pragma unroll
      for (int kk = 0; kk < kFlashK / 16; ++kk) {
#pragma unroll
        for (int dt = 0; dt < HD / 8; dt += 2) {
          unsigned b[4];  // keys kk·16 + (0..7 | 8..15) × dims of tiles dt, dt+1, transposed
          ldmatrix4_trans(b, vs + (kk * 16 + (mi & 1) * 8 + mr) * LD + (dt + (mi >> 1)) * 8);
          mma_bf16(o[dt], pf[kk], b[0], b[1]);
          mma_bf16(o[dt + 1], pf[kk], b[2], b[3]);
        }
      }
    }
    __syncthreads();
  }
  if (!live) return;
#pragma unroll
  for (int rr = 0; rr < 2; ++rr) {
    l[rr] += __shfl_xor_sync(0xffffffffu, l[rr], 1);
    l[rr] += __shfl_xor_sync(0xffffffffu, l[rr], 2);
  }
#pragma unroll
  for (int rr = 0; rr < 2; ++rr) {
    if (row[rr] >= n) continue;
    float* orow = out + (static_cast<size_t>(row[rr]) * h + hh) * HD;
    const float inv = 1.f / l[rr];
#pragma unroll
    for (int dt = 0; dt < HD / 8; ++dt) {
      *reinterpret_cast<float2*>(orow + dt * 8 + 2 * c) = make_float2(o[dt][2 * rr] * inv, o[dt][2 * rr + 1] * inv);
    }
  }
}

template <int HD>
int launch_flash(const float* q, const void* keys, const void* values, const float* pos, float* out, int n, int h, int kvh,
                 float scale, cudaStream_t s) {
  constexpr int shared = flash_shared_bytes<HD>();
  if (shared > 48 * 1024) cudaFuncSetAttribute(flash_kernel<HD>, cudaFuncAttributeMaxDynamicSharedMemorySize, shared);
  constexpr float kLog2e = 1.4426950408889634f;
  flash_kernel<HD><<<dim3((n + kFlashQ - 1) / kFlashQ, h), kWarps * 32, shared, s>>>(
      q, static_cast<const __nv_bfloat16*>(keys), static_cast<const __nv_bfloat16*>(values), pos, out, n, h, kvh, scale * kLog2e);
  return cudaGetLastError();
}

bool flash_head_dim(int hd) { return hd == 32 || hd == 64 || hd == 96 || hd == 128; }

template <int PER>
int launch(const float* q, const void* keys, const void* values, const float* pos, float* scratch, float* out, int n,
           int h, int kvh, int hd, int capacity, float scale, int dtype, cudaStream_t s) {
  if (n <= kSplitMaxQueries) {
    const int splits = split_count(h, capacity);
    const int chunk = (capacity + splits - 1) / splits;
    const dim3 grid(splits, h, n);
    if (dtype == kBF16) {
      split_partial_kernel<PER, __nv_bfloat16><<<grid, kWarps * 32, 0, s>>>(
          q, static_cast<const __nv_bfloat16*>(keys), static_cast<const __nv_bfloat16*>(values), pos, scratch, h, kvh, hd, chunk, splits, scale);
    } else {
      split_partial_kernel<PER, float><<<grid, kWarps * 32, 0, s>>>(
          q, static_cast<const float*>(keys), static_cast<const float*>(values), pos, scratch, h, kvh, hd, chunk, splits, scale);
    }
    split_combine_kernel<<<dim3(h, n), 128, 0, s>>>(scratch, out, h, hd, splits);
  } else if (dtype == kBF16) {
    switch (hd) {
      case 32: return launch_flash<32>(q, keys, values, pos, out, n, h, kvh, scale, s);
      case 64: return launch_flash<64>(q, keys, values, pos, out, n, h, kvh, scale, s);
      case 96: return launch_flash<96>(q, keys, values, pos, out, n, h, kvh, scale, s);
      default: return launch_flash<128>(q, keys, values, pos, out, n, h, kvh, scale, s);
    }
  } else {
    const size_t shared = (2 * kTileK * (hd + 1) + kTileQ * hd) * sizeof(float);
    if (shared > 48 * 1024) cudaFuncSetAttribute(tiled_kernel<PER>, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(shared));
    tiled_kernel<PER><<<dim3((n + kTileQ - 1) / kTileQ, h), kWarps * 32, shared, s>>>(
        q, static_cast<const float*>(keys), static_cast<const float*>(values), pos, out, n, h, kvh, hd, scale);
  }
  return cudaGetLastError();
}

}  // namespace

// The KV cache's element dtype: bf16 for a model computed in half precision whose head dim the flash kernel
// takes (half the bytes for decode to stream, and tensor-core prefill straight from the cache, as HF keeps a bf16
// model's cache in bf16); f32 otherwise, which f32 models need to match the CPU.
extern "C" int sy_kv_dtype(int hd, int half) { return half && flash_head_dim(hd) ? kBF16 : kF32; }

extern "C" int sy_attention_scratch_floats(int n, int h, int hd, int capacity) {
  return n <= kSplitMaxQueries ? n * h * split_count(h, capacity) * (hd + 2) : 0;
}

// keys, values: the cache in `dtype` (sy_kv_dtype).
extern "C" int sy_attention(const float* q, const void* keys, const void* values, const float* pos, float* scratch,
                            float* out, int n, int h, int kvh, int hd, int capacity, float scale, int dtype) {
  if (n <= 0) return cudaSuccess;
  if (h <= 0 || kvh <= 0 || h % kvh != 0 || hd <= 0 || hd > 256) return cudaErrorInvalidValue;
  if (dtype != kF32 && (dtype != kBF16 || !flash_head_dim(hd))) return cudaErrorInvalidValue;
  cudaStream_t s = sy_stream_handle();
  switch ((hd + 31) / 32) {
    case 1: return launch<1>(q, keys, values, pos, scratch, out, n, h, kvh, hd, capacity, scale, dtype, s);
    case 2: return launch<2>(q, keys, values, pos, scratch, out, n, h, kvh, hd, capacity, scale, dtype, s);
    case 3: return launch<3>(q, keys, values, pos, scratch, out, n, h, kvh, hd, capacity, scale, dtype, s);
    case 4: return launch<4>(q, keys, values, pos, scratch, out, n, h, kvh, hd, capacity, scale, dtype, s);
    default: return launch<8>(q, keys, values, pos, scratch, out, n, h, kvh, hd, capacity, scale, dtype, s);
  }
}
