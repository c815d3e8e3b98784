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
// Versions: v1 (current) — one block of 1024 threads over the vocabulary (sampling), one block per row (scores).
// Launchers: sy_sample(logits, v, slot, token, logprob), sy_token_logprobs(logits, targets, out, n, v).
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

__global__ void __launch_bounds__(kThreads) sample_kernel(const float* __restrict__ logits, int v, float* __restrict__ slot,
                                                          float* __restrict__ token, float* __restrict__ logprob) {
  __shared__ float red[kThreads / 32];
  __shared__ int red_i[kThreads / 32];
  __shared__ int bad;
  __shared__ float scan[kThreads];
  const int tid = threadIdx.x;
  if (tid == 0) bad = 0;
  __syncthreads();
  // argmax (lowest index on ties) and the NaN check
  float best = -INFINITY;
  int best_i = 0x7fffffff;
  for (int j = tid; j < v; j += kThreads) {
    const float x = logits[j];
    if (isnan(x)) bad = 1;
    if (x > best || (x == best && j < best_i)) { best = x; best_i = j; }
  }
  for (int o = 16; o > 0; o >>= 1) {
    const float ob = __shfl_xor_sync(0xffffffffu, best, o);
    const int oi = __shfl_xor_sync(0xffffffffu, best_i, o);
    if (ob > best || (ob == best && oi < best_i)) { best = ob; best_i = oi; }
  }
  if (tid % 32 == 0) { red[tid / 32] = best; red_i[tid / 32] = best_i; }
  __syncthreads();
  float mx = -INFINITY;
  int top = 0x7fffffff;
  for (int i = 0; i < kThreads / 32; ++i) {
    if (red[i] > mx || (red[i] == mx && red_i[i] < top)) { mx = red[i]; top = red_i[i]; }
  }
  if (bad || mx == -INFINITY) {
    if (tid == 0) { token[0] = -1.f; logprob[0] = NAN; }
    return;
  }
  // ln p(top-level token) needs Σ exp(l − max) at T = 1
  float z = 0.f;
  for (int j = tid; j < v; j += kThreads) z += expf(logits[j] - mx);
  const float log_z = logf(block_sum(z, red));
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

extern "C" int sy_sample(const float* logits, int v, float* slot, float* token, float* logprob) {
  sample_kernel<<<1, kThreads, 0, sy_stream_handle()>>>(logits, v, slot, token, logprob);
  return cudaGetLastError();
}

extern "C" int sy_token_logprobs(const float* logits, const float* targets, float* out, int n, int v) {
  if (n <= 0) return cudaSuccess;
  token_logprobs_kernel<<<n, kThreads, 0, sy_stream_handle()>>>(logits, targets, out, v);
  return cudaGetLastError();
}
