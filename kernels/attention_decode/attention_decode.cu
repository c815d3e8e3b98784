// Decode attention: one query per head against a grouped KV cache (GQA), the CPU op `attention` with n = 1
// (src/engine/backends/cpu/attention.ts): query head hh reads kv head ⌊hh / (h/kvh)⌋ and sees all t cached keys:
//   out[hh, :] = Σ_j softmax_j(scale · q[hh]·K[j, kv]) · V[j, kv, :]
// Layouts (row-major f32, device pointers): q [h, hd], keys, values [capacity ≥ t, kvh·hd] (the cache's rows),
// out [h, hd]; scratch [h, splits, hd + 2] holds (max, sum, unnormalised output) per split.
// Versions: v2 (current) — split-K online softmax (flash-decoding). A block of 4 warps per (split, head); each
//   warp walks every 4th key of the split with its own running max/sum, lane e·32+lane owning output dims
//   (hd ≤ 256), so K and V rows are read coalesced and a score is one xor-shuffle sum; the 4 warps merge in
//   shared memory, and a second kernel merges the splits. (The WGSL version scores a tile of keys per
//   workgroup instead: without subgroup shuffles a per-key reduction would need a barrier per key.)
//   v1 was the same kernel with ~8× fewer splits (see kTargetBlocks).
// Launchers: attention_decode_scratch_floats(h, hd, t) → floats of scratch to pass;
//   attention_decode_f32(q, keys, values, scratch, out, h, kvh, hd, t, scale, stream) → cudaError_t.
#include <cuda_runtime.h>
#include <math.h>

namespace {

constexpr int kWarps = 4;
// Enough blocks that the H200's 132 SMs hold ~16 of them each (64 warps of latency hiding per SM); splits are
// capped so each still covers ≥ 64 keys. v1 aimed at 264 blocks: 14 % occupancy at h = 32, 290–340 GB/s.
constexpr int kTargetBlocks = 2048;

int split_count(int h, int t) {
  int splits = (kTargetBlocks + h - 1) / h;
  const int max_splits = (t + 63) / 64;  // at least 64 keys per split
  if (splits > max_splits) splits = max_splits;
  if (splits < 1) splits = 1;
  const int chunk = (t + splits - 1) / splits;
  return (t + chunk - 1) / chunk;
}

template <int PER>
__global__ void __launch_bounds__(kWarps * 32) attend_partial_kernel(
    const float* __restrict__ q, const float* __restrict__ keys, const float* __restrict__ values,
    float* __restrict__ part, float* __restrict__ out, int h, int kvh, int hd, int t, int chunk, int splits,
    float scale) {
  __shared__ float warp_m[kWarps], warp_l[kWarps], warp_acc[kWarps][PER * 32];
  const int sp = blockIdx.x, hh = blockIdx.y;
  const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const int width = kvh * hd;
  const size_t kvo = static_cast<size_t>(hh / (h / kvh)) * hd;
  float qv[PER], acc[PER];
#pragma unroll
  for (int r = 0; r < PER; ++r) {
    const int e = lane + 32 * r;
    qv[r] = e < hd ? q[static_cast<size_t>(hh) * hd + e] : 0.f;
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
      if (e < hd) dot += qv[r] * __ldg(&kr[e]);
    }
    for (int o = 16; o > 0; o >>= 1) dot += __shfl_xor_sync(0xffffffffu, dot, o);
    const float sc = dot * scale;
    const float mn = fmaxf(m, sc);
    const float corr = expf(m - mn);  // m = −∞ on the first key: corr = 0
    const float pw = expf(sc - mn);
    l = l * corr + pw;
#pragma unroll
    for (int r = 0; r < PER; ++r) {
      const int e = lane + 32 * r;
      acc[r] = acc[r] * corr + (e < hd ? pw * __ldg(&vr[e]) : 0.f);
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
    f[w] = warp_l[w] > 0.f ? expf(warp_m[w] - mx) : 0.f;  // a warp that saw no key adds nothing
    total += warp_l[w] * f[w];
  }
  for (int e = threadIdx.x; e < hd; e += kWarps * 32) {
    float v = 0.f;
    for (int w = 0; w < kWarps; ++w) v += warp_acc[w][e] * f[w];
    if (splits == 1) out[static_cast<size_t>(hh) * hd + e] = v / total;
    else part[(static_cast<size_t>(hh) * splits + sp) * (hd + 2) + 2 + e] = v;
  }
  if (splits > 1 && threadIdx.x == 0) {
    const size_t po = (static_cast<size_t>(hh) * splits + sp) * (hd + 2);
    part[po] = mx;
    part[po + 1] = total;
  }
}

__global__ void attend_combine_kernel(const float* __restrict__ part, float* __restrict__ out, int hd, int splits) {
  const int hh = blockIdx.x;
  const size_t stride = hd + 2, base = static_cast<size_t>(hh) * splits * stride;
  float mx = -INFINITY;
  for (int s = 0; s < splits; ++s) mx = fmaxf(mx, part[base + s * stride]);
  float total = 0.f;
  for (int s = 0; s < splits; ++s) total += part[base + s * stride + 1] * expf(part[base + s * stride] - mx);
  for (int e = threadIdx.x; e < hd; e += blockDim.x) {
    float v = 0.f;
    for (int s = 0; s < splits; ++s) v += part[base + s * stride + 2 + e] * expf(part[base + s * stride] - mx);
    out[static_cast<size_t>(hh) * hd + e] = v / total;
  }
}

template <int PER>
void launch_partial(dim3 grid, cudaStream_t s, const float* q, const float* k, const float* v, float* part, float* out,
                    int h, int kvh, int hd, int t, int chunk, int splits, float scale) {
  attend_partial_kernel<PER><<<grid, kWarps * 32, 0, s>>>(q, k, v, part, out, h, kvh, hd, t, chunk, splits, scale);
}

}  // namespace

extern "C" int attention_decode_scratch_floats(int h, int hd, int t) {
  const int splits = split_count(h, t);
  return splits > 1 ? h * splits * (hd + 2) : 0;
}

extern "C" int attention_decode_f32(const float* q, const float* keys, const float* values, float* scratch, float* out,
                                    int h, int kvh, int hd, int t, float scale, cudaStream_t stream) {
  if (h <= 0 || kvh <= 0 || h % kvh != 0 || hd <= 0 || hd > 256 || t <= 0) return cudaErrorInvalidValue;
  const int splits = split_count(h, t);
  const int chunk = (t + splits - 1) / splits;
  const dim3 grid(splits, h);
  switch ((hd + 31) / 32) {
    case 1: launch_partial<1>(grid, stream, q, keys, values, scratch, out, h, kvh, hd, t, chunk, splits, scale); break;
    case 2: launch_partial<2>(grid, stream, q, keys, values, scratch, out, h, kvh, hd, t, chunk, splits, scale); break;
    case 3: launch_partial<3>(grid, stream, q, keys, values, scratch, out, h, kvh, hd, t, chunk, splits, scale); break;
    case 4: launch_partial<4>(grid, stream, q, keys, values, scratch, out, h, kvh, hd, t, chunk, splits, scale); break;
    default: launch_partial<8>(grid, stream, q, keys, values, scratch, out, h, kvh, hd, t, chunk, splits, scale); break;
  }
  if (splits > 1) attend_combine_kernel<<<h, 128, 0, stream>>>(scratch, out, hd, splits);
  return cudaGetLastError();
}
