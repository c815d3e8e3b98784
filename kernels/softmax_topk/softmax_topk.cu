// Row softmax and top-k, the CPU ops `softmax` and `topk` (src/engine/backends/cpu/elementwise.ts), as Jamba's
// MoE router uses them: rows of c ≤ a few hundred experts.
//   softmax: x [n, c] → [n, c], max subtracted first.
//   topk: x [n, c] → values, indices [n, k] (indices as f32 integers), largest first, ties to the lower index.
// Layouts: row-major f32, device pointers, as above.
// Versions: v1 (current) — one thread per row: c is small, and this keeps the tie rule of the CPU op exactly.
// Launchers: sy_softmax(x, y, n, c), sy_topk(x, values, indices, n, c, k) → cudaError_t.
#include "../runtime/runtime.h"

namespace {

__global__ void softmax_kernel(const float* __restrict__ x, float* __restrict__ y, int n, int c) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const float* r = x + static_cast<size_t>(i) * c;
  float* o = y + static_cast<size_t>(i) * c;
  float mx = -INFINITY;
  for (int j = 0; j < c; ++j) mx = fmaxf(mx, r[j]);
  float sum = 0.f;
  for (int j = 0; j < c; ++j) {
    o[j] = expf(r[j] - mx);
    sum += o[j];
  }
  for (int j = 0; j < c; ++j) o[j] /= sum;
}

__global__ void topk_kernel(const float* __restrict__ x, float* __restrict__ values, float* __restrict__ indices, int n, int c, int k) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const float* r = x + static_cast<size_t>(i) * c;
  int prev = -1;
  float prev_v = INFINITY;
  for (int slot = 0; slot < k; ++slot) {
    // the next entry after (prev_v, prev) in the order (value desc, index asc)
    int best = -1;
    for (int j = 0; j < c; ++j) {
      const float v = r[j];
      const bool after = v < prev_v || (v == prev_v && j > prev);
      if (after && (best < 0 || v > r[best])) best = j;
    }
    values[static_cast<size_t>(i) * k + slot] = r[best];
    indices[static_cast<size_t>(i) * k + slot] = static_cast<float>(best);
    prev = best;
    prev_v = r[best];
  }
}

}  // namespace

extern "C" int sy_softmax(const float* x, float* y, int n, int c) {
  if (n <= 0) return cudaSuccess;
  softmax_kernel<<<(n + 127) / 128, 128, 0, sy_stream_handle()>>>(x, y, n, c);
  return cudaGetLastError();
}

extern "C" int sy_topk(const float* x, float* values, float* indices, int n, int c, int k) {
  if (n <= 0) return cudaSuccess;
  topk_kernel<<<(n + 127) / 128, 128, 0, sy_stream_handle()>>>(x, values, indices, n, c, k);
  return cudaGetLastError();
}
