// Rotary embedding, the CPU op `rope` (src/engine/backends/cpu/rope.ts; HF rotate_half convention): the first
// r = 2·half dims of every head rotate by angle invFreq[i]·(pos + t), the rest pass through; cos and sin are
// multiplied by `scaling`. x, y [n, h, hd], invFreq [half], pos [1] (f32 integer, read on the device so a
// recorded decode step replays at the right position).
// Layouts: row-major f32, device pointers, as above.
// Versions: v1 (current) — one thread per (token, head, rotary pair); pass-through dims copied by the same grid.
// Launcher: sy_rope(x, y, pos, invFreq, n, h, hd, half, scaling) → cudaError_t.
#include "../runtime/runtime.h"

namespace {

__global__ void rope_kernel(const float* __restrict__ x, float* __restrict__ y, const float* __restrict__ pos,
                            const float* __restrict__ inv_freq, int n, int h, int hd, int half, float scaling) {
  const size_t total = static_cast<size_t>(n) * h * hd;
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i >= total) return;
  const int e = static_cast<int>(i % hd);
  const size_t head = i / hd;
  const int t = static_cast<int>(head / h);
  if (e >= 2 * half) {
    y[i] = x[i];
    return;
  }
  const int f = e < half ? e : e - half;
  const float angle = inv_freq[f] * static_cast<float>(static_cast<int>(pos[0]) + t);
  const float c = cosf(angle) * scaling, s = sinf(angle) * scaling;
  const size_t o = head * hd;
  const float a = x[o + f], b = x[o + f + half];
  y[i] = e < half ? a * c - b * s : b * c + a * s;
}

}  // namespace

extern "C" int sy_rope(const float* x, float* y, const float* pos, const float* inv_freq, int n, int h, int hd, int half,
                       float scaling) {
  const size_t total = static_cast<size_t>(n) * h * hd;
  if (total == 0) return cudaSuccess;
  rope_kernel<<<static_cast<unsigned>((total + 255) / 256), 256, 0, sy_stream_handle()>>>(x, y, pos, inv_freq, n, h, hd, half, scaling);
  return cudaGetLastError();
}
