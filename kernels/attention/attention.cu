// Causal GQA attention over a KV cache, the CPU op `attention` (src/engine/backends/cpu/attention.ts): the cache
// holds the n query tokens at rows pos … pos+n−1 (pos [1] read on the device), query i sees keys 0 … pos+i:
//   out[i, hh, :] = Σ_j softmax_j(scale · q[i, hh]·K[j, kv]) · V[j, kv, :],  kv = ⌊hh / (h/kvh)⌋
// Layouts (row-major f32): q [n, h, hd], keys, values [capacity, kvh·hd], out [n, h·hd]; hd ≤ 256.
// Versions (the launcher picks by n):
//   split (n ≤ 16; decode) — flash-decoding: keys split into a fixed number of chunks planned from the cache's
//     capacity (so a recorded step replays at any length), a block of 4 warps per (split, head, query), each warp
//     on every 4th key with its own online softmax, lanes owning output dims; a second kernel merges the splits
//     from scratch [n, h, splits, hd + 2]. Splits past the query's last key only mark themselves empty.
//   tiled (n > 16; prefill) — a block of 4 warps per (16 queries, head): tiles of 32 keys and values staged in
//     shared memory (rows padded by one float: no bank conflicts), each warp with 4 queries, lane j scoring key j,
//     online softmax across the warp, lanes owning output dims. O(n) memory: no n×t scores. f32 on CUDA cores:
//     the path of f32 models, which are held to the CPU's results.
//   tensor (n > 16, half-precision models, hd % 16 == 0, hd ≤ 128; prefill) — flash attention on the tensor
//     cores: a block of 4 warps per (64 queries, head), K/V tiles of 64 keys narrowed to bf16 in shared memory,
//     S = Q·Kᵀ and O += P·V as 16×16×16 bf16 WMMA products with f32 accumulation, the online softmax in f32 on
//     the score tile; O lives in shared memory between tiles (rows rescaled there).
// Launchers: sy_attention_scratch_floats(n, h, hd, capacity); sy_attention(q, keys, values, pos, scratch, out, n,
//   h, kvh, hd, capacity, scale, half) → cudaError_t.
#include <mma.h>

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

template <int PER>
__global__ void __launch_bounds__(kWarps * 32) split_partial_kernel(
    const float* __restrict__ q, const float* __restrict__ keys, const float* __restrict__ values, const float* __restrict__ pos,
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
    const float* kr = keys + static_cast<size_t>(j) * width + kvo;
    const float* vr = values + static_cast<size_t>(j) * width + kvo;
    float dot = 0.f;
#pragma unroll
    for (int r = 0; r < PER; ++r) {
      const int e = lane + 32 * r;
      if (e < hd) dot += qv[r] * kr[e];
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
      acc[r] = acc[r] * corr + (e < hd ? pw * vr[e] : 0.f);
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

namespace wmma = nvcuda::wmma;
constexpr int kFlashQ = 64, kFlashK = 64;

template <int HD>
size_t flash_shared_bytes() {
  return (3 * kFlashK * HD + kWarps * 16 * kFlashK) * sizeof(__nv_bfloat16) + (kWarps * 16 * kFlashK + kWarps * 16 * HD) * sizeof(float);
}

template <int HD>
__global__ void __launch_bounds__(kWarps * 32) flash_kernel(const float* __restrict__ q, const float* __restrict__ keys,
                                                            const float* __restrict__ values, const float* __restrict__ pos,
                                                            float* __restrict__ out, int n, int h, int kvh, float scale) {
  extern __shared__ __align__(128) unsigned char smem_raw[];
  __nv_bfloat16* qs = reinterpret_cast<__nv_bfloat16*>(smem_raw);  // [64][HD]
  __nv_bfloat16* ks = qs + kFlashQ * HD;                            // [64][HD]
  __nv_bfloat16* vs = ks + kFlashK * HD;                            // [64][HD]
  __nv_bfloat16* ps = vs + kFlashK * HD;                            // [4][16][64]
  float* ss = reinterpret_cast<float*>(ps + kWarps * 16 * kFlashK);  // [4][16][64]
  float* os = ss + kWarps * 16 * kFlashK;                            // [4][16][HD]
  const int q0 = blockIdx.x * kFlashQ, hh = blockIdx.y;
  const int tid = threadIdx.x, warp = tid / 32, lane = tid % 32;
  const int width = kvh * HD;
  const size_t kvo = static_cast<size_t>(hh / (h / kvh)) * HD;
  const int p0 = static_cast<int>(pos[0]);
  for (int i = tid; i < kFlashQ * HD; i += kWarps * 32) {
    const int qi = q0 + i / HD;
    qs[i] = __float2bfloat16(qi < n ? q[(static_cast<size_t>(qi) * h + hh) * HD + i % HD] : 0.f);
  }
  float* ow = os + warp * 16 * HD;
  for (int i = lane; i < 16 * HD; i += 32) ow[i] = 0.f;
  // lanes 2r and 2r+1 own row r of the warp's 16 queries, each half of its columns
  const int r = lane / 2, half = lane % 2;
  const int first = q0 + warp * 16, qi = first + r, qpos = p0 + qi;
  float m = -INFINITY, l = 0.f;
  const int last_q = min(n, q0 + kFlashQ) - 1;
  const int keys_needed = p0 + last_q + 1;
  const int warp_last = p0 + min(n - 1, first + 15);
  float* sw = ss + warp * 16 * kFlashK;
  __nv_bfloat16* pw = ps + warp * 16 * kFlashK;
  for (int k0 = 0; k0 < keys_needed; k0 += kFlashK) {
    __syncthreads();
    for (int i = tid; i < kFlashK * HD; i += kWarps * 32) {
      const int kj = k0 + i / HD;
      const bool ok = kj < keys_needed;
      const size_t at = static_cast<size_t>(kj) * width + kvo + i % HD;
      ks[i] = __float2bfloat16(ok ? keys[at] : 0.f);
      vs[i] = __float2bfloat16(ok ? values[at] : 0.f);
    }
    __syncthreads();
    if (first >= n || k0 > warp_last) continue;
    for (int kt = 0; kt < kFlashK / 16; ++kt) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::fill_fragment(acc, 0.f);
#pragma unroll
      for (int d = 0; d < HD / 16; ++d) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> a;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::col_major> b;
        wmma::load_matrix_sync(a, qs + warp * 16 * HD + d * 16, HD);
        wmma::load_matrix_sync(b, ks + kt * 16 * HD + d * 16, HD);
        wmma::mma_sync(acc, a, b, acc);
      }
      wmma::store_matrix_sync(sw + kt * 16, acc, kFlashK, wmma::mem_row_major);
    }
    __syncwarp();
    float* srow = sw + r * kFlashK;
    float mx = -INFINITY;
    for (int c = half * 32; c < half * 32 + 32; ++c) {
      const float sc = qi < n && k0 + c <= qpos ? srow[c] * scale : -INFINITY;
      srow[c] = sc;
      mx = fmaxf(mx, sc);
    }
    mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
    const float mn = fmaxf(m, mx);
    const float corr = mn == -INFINITY ? 1.f : expf(m - mn);
    float sum = 0.f;
    for (int c = half * 32; c < half * 32 + 32; ++c) {
      const float p = mn == -INFINITY ? 0.f : expf(srow[c] - mn);
      pw[r * kFlashK + c] = __float2bfloat16(p);
      sum += p;
    }
    sum += __shfl_xor_sync(0xffffffffu, sum, 1);
    l = l * corr + sum;
    m = mn;
    for (int d = half * (HD / 2); d < (half + 1) * (HD / 2); ++d) ow[r * HD + d] *= corr;
    __syncwarp();
#pragma unroll
    for (int dt = 0; dt < HD / 16; ++dt) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> o;
      wmma::load_matrix_sync(o, ow + dt * 16, HD, wmma::mem_row_major);
#pragma unroll
      for (int kk = 0; kk < kFlashK / 16; ++kk) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> a;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::row_major> b;
        wmma::load_matrix_sync(a, pw + kk * 16, kFlashK);
        wmma::load_matrix_sync(b, vs + kk * 16 * HD + dt * 16, HD);
        wmma::mma_sync(o, a, b, o);
      }
      wmma::store_matrix_sync(ow + dt * 16, o, HD, wmma::mem_row_major);
    }
    __syncwarp();
  }
  if (first < n && qi < n) {
    for (int d = half * (HD / 2); d < (half + 1) * (HD / 2); ++d) out[(static_cast<size_t>(qi) * h + hh) * HD + d] = ow[r * HD + d] / l;
  }
}

template <int HD>
int launch_flash(const float* q, const float* keys, const float* values, const float* pos, float* out, int n, int h, int kvh,
                 float scale, cudaStream_t s) {
  const size_t shared = flash_shared_bytes<HD>();
  cudaFuncSetAttribute(flash_kernel<HD>, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(shared));
  flash_kernel<HD><<<dim3((n + kFlashQ - 1) / kFlashQ, h), kWarps * 32, shared, s>>>(q, keys, values, pos, out, n, h, kvh, scale);
  return cudaGetLastError();
}

template <int PER>
int launch(const float* q, const float* keys, const float* values, const float* pos, float* scratch, float* out, int n,
           int h, int kvh, int hd, int capacity, float scale, cudaStream_t s) {
  if (n <= kSplitMaxQueries) {
    const int splits = split_count(h, capacity);
    const int chunk = (capacity + splits - 1) / splits;
    split_partial_kernel<PER><<<dim3(splits, h, n), kWarps * 32, 0, s>>>(q, keys, values, pos, scratch, h, kvh, hd, chunk, splits, scale);
    split_combine_kernel<<<dim3(h, n), 128, 0, s>>>(scratch, out, h, hd, splits);
  } else {
    const size_t shared = (2 * kTileK * (hd + 1) + kTileQ * hd) * sizeof(float);
    if (shared > 48 * 1024) cudaFuncSetAttribute(tiled_kernel<PER>, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(shared));
    tiled_kernel<PER><<<dim3((n + kTileQ - 1) / kTileQ, h), kWarps * 32, shared, s>>>(q, keys, values, pos, out, n, h, kvh, hd, scale);
  }
  return cudaGetLastError();
}

}  // namespace

extern "C" int sy_attention_scratch_floats(int n, int h, int hd, int capacity) {
  return n <= kSplitMaxQueries ? n * h * split_count(h, capacity) * (hd + 2) : 0;
}

// half: the model computes in half precision, so prefill may take the tensor-core path.
extern "C" int sy_attention(const float* q, const float* keys, const float* values, const float* pos, float* scratch,
                            float* out, int n, int h, int kvh, int hd, int capacity, float scale, int half) {
  if (n <= 0) return cudaSuccess;
  if (h <= 0 || kvh <= 0 || h % kvh != 0 || hd <= 0 || hd > 256) return cudaErrorInvalidValue;
  cudaStream_t s = sy_stream_handle();
  if (half && n > kSplitMaxQueries) {
    if (hd == 64) return launch_flash<64>(q, keys, values, pos, out, n, h, kvh, scale, s);
    if (hd == 128) return launch_flash<128>(q, keys, values, pos, out, n, h, kvh, scale, s);
    if (hd == 32) return launch_flash<32>(q, keys, values, pos, out, n, h, kvh, scale, s);
  }
  switch ((hd + 31) / 32) {
    case 1: return launch<1>(q, keys, values, pos, scratch, out, n, h, kvh, hd, capacity, scale, s);
    case 2: return launch<2>(q, keys, values, pos, scratch, out, n, h, kvh, hd, capacity, scale, s);
    case 3: return launch<3>(q, keys, values, pos, scratch, out, n, h, kvh, hd, capacity, scale, s);
    case 4: return launch<4>(q, keys, values, pos, scratch, out, n, h, kvh, hd, capacity, scale, s);
    default: return launch<8>(q, keys, values, pos, scratch, out, n, h, kvh, hd, capacity, scale, s);
  }
}
