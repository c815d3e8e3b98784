// Sampling and scoring on the device, so a decode step reads back only a token id (and a logprob where asked).
//   sy_sample: the CPU sampler's rules (src/engine/sampling.ts): temperature 0 is greedy (lowest index on ties);
//     otherwise weights exp((l − max)/T), top-k then top-p on the survivors, one mulberry32 draw. NaN logits, or
//     all −∞, give token −1. Also writes ln p(token) under the plain softmax (T = 1).
//     Top-k and top-p keep the tokens at or above a threshold found by bisection over the logits' order
//     (32 block-wide passes each), and the draw walks the kept tokens in index order: the same distribution as
//     the CPU's, not the same token for a seed; ties at a threshold are all kept.
//     slot [4] (f32 words): temperature, top-k (0 = off), top-p (0 = off), mulberry32 state (u32 bits).
//   sy_token_logprobs: ln softmax(logits[i])[targets[i]] per row (what /v1/score reads back).
// Layouts: f32, device pointers: logits [v] (one row) or [n, v]; targets, out [n]; token, logprob [1]; slot [4].
// Versions: sampling v2 (current) — a first pass over the GPU (a block per 4096 logits: max, argmax and the
//   softmax's sum, online) whose partials one block of 1024 threads merges, then (T > 0 only) that block's passes
//   for top-k, top-p and the draw; v1 ran every pass in the one block (~20 µs of a decode step at a 128k vocab).
//   Scores: one block per row.
// Launchers: sy_sample_scratch_floats(v); sy_sample(logits, v, slot, token, logprob, scratch);
//   sy_token_logprobs(logits, targets, out, n, v).
#include "../runtime/runtime.h"

namespace {

constexpr int kThreads = 1024;

__device__ __forceinline__ unsigned order_key(float f) {
  const unsigned u = __float_as_uint(f);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

__device__ float block_sum(float v, float* shared) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  __syncthreads();
  if (threadIdx.x % 32 == 0) shared[threadIdx.x / 32] = v;
  __syncthreads();
  float total = 0.f;
  for (int i = 0; i < kThreads / 32; ++i) total += shared[i];
  return total;
}

__device__ float block_max(float v, float* shared) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  __syncthreads();
  if (threadIdx.x % 32 == 0) shared[threadIdx.x / 32] = v;
  __syncthreads();
  float m = -INFINITY;
  for (int i = 0; i < kThreads / 32; ++i) m = fmaxf(m, shared[i]);
  return m;
}

__device__ float mulberry32(unsigned* state) {
  unsigned s = *state + 0x6d2b79f5u;
  *state = s;
  unsigned t = s;
  t = (t ^ (t >> 15)) * (t | 1u);
  t ^= t + (t ^ (t >> 7)) * (t | 61u);
  return static_cast<float>((t ^ (t >> 14)) / 4294967296.0);
}

// The first pass over the logits, spread over the GPU: each block's max (lowest index on ties), Σ exp(l − max)
// taken online, and whether it saw a NaN, as partials [blocks][4]. One block reading 128k logits alone took ~20 µs.
constexpr int kPartialThreads = 256, kPerPartial = 4096;

int partial_blocks(int v) { return (v + kPerPartial - 1) / kPerPartial; }

struct Stats {
  float m, z;
  int i;
};

// the running (max, argmax, Σ exp(l − max)) with x at index j taken in; −∞ adds nothing, ties keep the lower index
__device__ __forceinline__ void take(Stats& s, float x, int j) {
  if (x == -INFINITY) return;
  if (x > s.m) {
    s.z = s.z * expf(s.m - x) + 1.f;
    s.m = x;
    s.i = j;
  } else if (x == s.m) {
    s.z += 1.f;
    if (j < s.i) s.i = j;
  } else {
    s.z += expf(x - s.m);
  }
}

__device__ __forceinline__ void merge(Stats& s, const Stats& o) {
  if (o.m == -INFINITY) return;
  if (s.m == -INFINITY) { s = o; return; }
  if (o.m > s.m) {
    s.z = s.z * expf(s.m - o.m) + o.z;
    s.m = o.m;
    s.i = o.i;
  } else if (o.m == s.m) {
    s.z += o.z;
    if (o.i < s.i) s.i = o.i;
  } else {
    s.z += o.z * expf(o.m - s.m);
  }
}

__device__ __forceinline__ void warp_merge(Stats& s) {
  for (int o = 16; o > 0; o >>= 1) {
    const Stats t{__shfl_xor_sync(0xffffffffu, s.m, o), __shfl_xor_sync(0xffffffffu, s.z, o), __shfl_xor_sync(0xffffffffu, s.i, o)};
    merge(s, t);
  }
}

__global__ void __launch_bounds__(kPartialThreads) sample_partials_kernel(const float* __restrict__ logits, int v, float* __restrict__ partials) {
  __shared__ Stats warps[kPartialThreads / 32];
  __shared__ int bad;
  if (threadIdx.x == 0) bad = 0;
  __syncthreads();
  Stats s{-INFINITY, 0.f, 0x7fffffff};
  const int end = min(v, (blockIdx.x + 1) * kPerPartial);
  for (int j = blockIdx.x * kPerPartial + threadIdx.x; j < end; j += kPartialThreads) {
    const float x = logits[j];
    if (isnan(x)) bad = 1;
    take(s, x, j);
  }
  warp_merge(s);
  if (threadIdx.x % 32 == 0) warps[threadIdx.x / 32] = s;
  __syncthreads();
  if (threadIdx.x == 0) {
    Stats all = warps[0];
    for (int w = 1; w < kPartialThreads / 32; ++w) merge(all, warps[w]);
    float* p = partials + 4 * blockIdx.x;
    p[0] = all.m;
    p[1] = all.z;
    p[2] = __int_as_float(all.i);
    p[3] = bad ? 1.f : 0.f;
  }
}

__global__ void __launch_bounds__(kThreads) sample_kernel(const float* __restrict__ logits, int v, const float* __restrict__ partials,
                                                          int blocks, float* __restrict__ slot, float* __restrict__ token,
                                                          float* __restrict__ logprob) {
  __shared__ float red[kThreads / 32];
  __shared__ Stats warps[kThreads / 32];
  __shared__ int bad;
  __shared__ float scan[kThreads];
  const int tid = threadIdx.x;
  if (tid == 0) bad = 0;
  __syncthreads();
  // the partials merged: argmax (lowest index on ties), ln Σ exp(l − max) at T = 1 for ln p(token), the NaN check
  Stats st{-INFINITY, 0.f, 0x7fffffff};
  for (int b = tid; b < blocks; b += kThreads) {
    const float* p = partials + 4 * b;
    if (p[3] != 0.f) bad = 1;
    merge(st, Stats{p[0], p[1], __float_as_int(p[2])});
  }
  warp_merge(st);
  if (tid % 32 == 0) warps[tid / 32] = st;
  __syncthreads();
  Stats all = warps[0];
  for (int w = 1; w < kThreads / 32; ++w) merge(all, warps[w]);
  const float mx = all.m;
  const int top = all.i;
  if (bad || mx == -INFINITY) {
    if (tid == 0) { token[0] = -1.f; logprob[0] = NAN; }
    return;
  }
  const float log_z = logf(all.z);
  const float temperature = slot[0];
  int chosen = top;
  if (temperature > 0.f && mx != INFINITY) {
    const int top_k = static_cast<int>(slot[1]);
    const float top_p = slot[2];
    unsigned lo = 0u;  // tokens with order_key ≥ lo are kept
    if (top_k > 0 && top_k < v) {
      // largest key k such that count(key ≥ k) ≥ top_k: the k-th largest logit
      unsigned a = 0u, b = order_key(mx);
      while (a < b) {
        const unsigned mid = a + (b - a + 1) / 2;
        float c = 0.f;
        for (int j = tid; j < v; j += kThreads) c += order_key(logits[j]) >= mid ? 1.f : 0.f;
        if (block_sum(c, red) >= static_cast<float>(top_k)) a = mid; else b = mid - 1;
      }
      lo = a;
    }
    float total = 0.f;
    for (int j = tid; j < v; j += kThreads) {
      const float x = logits[j];
      if (order_key(x) >= lo) total += expf((x - mx) / temperature);
    }
    total = block_sum(total, red);
    if (top_p > 0.f && top_p < 1.f) {
      // smallest key k whose strictly-greater mass is below p·total: tokens at or above it are the nucleus
      unsigned a = lo, b = order_key(mx);
      while (a < b) {
        const unsigned mid = a + (b - a) / 2;
        float above = 0.f;
        for (int j = tid; j < v; j += kThreads) {
          const float x = logits[j];
          if (order_key(x) > mid) above += expf((x - mx) / temperature);
        }
        if (block_sum(above, red) < top_p * total) b = mid; else a = mid + 1;
      }
      lo = a;
      total = 0.f;
      for (int j = tid; j < v; j += kThreads) {
        const float x = logits[j];
        if (order_key(x) >= lo) total += expf((x - mx) / temperature);
      }
      total = block_sum(total, red);
    }
    __shared__ float u;
    if (tid == 0) {
      unsigned state = __float_as_uint(slot[3]);
      u = mulberry32(&state) * total;
      slot[3] = __uint_as_float(state);
    }
    // contiguous chunks per thread, so the kept tokens are walked in index order
    const int per = (v + kThreads - 1) / kThreads;
    const int j0 = tid * per, j1 = min(v, j0 + per);
    float mine = 0.f;
    for (int j = j0; j < j1; ++j) {
      const float x = logits[j];
      if (order_key(x) >= lo) mine += expf((x - mx) / temperature);
    }
    scan[tid] = mine;
    __syncthreads();
    for (int o = 1; o < kThreads; o <<= 1) {
      const float add = tid >= o ? scan[tid - o] : 0.f;
      __syncthreads();
      scan[tid] += add;
      __syncthreads();
    }
    __shared__ int pick;
    if (tid == 0) pick = -1;
    __syncthreads();
    const float before = scan[tid] - mine;
    if (mine > 0.f && u >= before && u < scan[tid]) {
      float left = u - before;
      int last = -1;
      for (int j = j0; j < j1; ++j) {
        const float x = logits[j];
        if (order_key(x) < lo) continue;
        last = j;
        left -= expf((x - mx) / temperature);
        if (left < 0.f) break;
      }
      atomicMax(&pick, last);
    }
    __syncthreads();
    if (pick >= 0) chosen = pick;
    else {
      // rounding left u past the last kept token: the last kept token takes it
      int last = -1;
      for (int j = j0; j < j1; ++j) if (order_key(logits[j]) >= lo) last = j;
      atomicMax(&pick, last);
      __syncthreads();
      if (pick >= 0) chosen = pick;
    }
  }
  if (tid == 0) {
    token[0] = static_cast<float>(chosen);
    logprob[0] = logits[chosen] - mx - log_z;
  }
}

__global__ void __launch_bounds__(kThreads) token_logprobs_kernel(const float* __restrict__ logits, const float* __restrict__ targets,
                                                                  float* __restrict__ out, int v) {
  __shared__ float red[kThreads / 32];
  const float* row = logits + static_cast<size_t>(blockIdx.x) * v;
  float m = -INFINITY;
  for (int j = threadIdx.x; j < v; j += kThreads) m = fmaxf(m, row[j]);
  m = block_max(m, red);
  float z = 0.f;
  for (int j = threadIdx.x; j < v; j += kThreads) z += expf(row[j] - m);
  z = block_sum(z, red);
  if (threadIdx.x == 0) {
    const int t = static_cast<int>(targets[blockIdx.x]);
    out[blockIdx.x] = t >= 0 && t < v ? row[t] - m - logf(z) : NAN;
  }
}

}  // namespace

extern "C" int sy_sample_scratch_floats(int v) { return 4 * partial_blocks(v); }

// scratch: sy_sample_scratch_floats(v) floats for the partials
extern "C" int sy_sample(const float* logits, int v, float* slot, float* token, float* logprob, float* scratch) {
  if (v <= 0) return cudaErrorInvalidValue;
  cudaStream_t s = sy_stream_handle();
  const int blocks = partial_blocks(v);
  sample_partials_kernel<<<blocks, kPartialThreads, 0, s>>>(logits, v, scratch);
  sample_kernel<<<1, kThreads, 0, s>>>(logits, v, scratch, blocks, slot, token, logprob);
  return cudaGetLastError();
}

extern "C" int sy_token_logprobs(const float* logits, const float* targets, float* out, int n, int v) {
  if (n <= 0) return cudaSuccess;
  token_logprobs_kernel<<<n, kThreads, 0, sy_stream_handle()>>>(logits, targets, out, v);
  return cudaGetLastError();
}
