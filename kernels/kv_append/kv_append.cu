// KV-cache write, the CPU op `kvAppend` (src/engine/backends/cpu/attention.ts): rows pos … pos+n−1 of keys and
// values ← k, v [n, width]. The caches are [capacity, width], allocated whole at load; pos [1] is read on the
// device. Rows past the capacity are not written (the host refuses such a request before any work starts).
// Layouts: row-major f32, device pointers: keys, values [capacity, width]; k, v [n, width]; pos [1].
// Versions: v1 (current) — one thread per element of k and of v.
// Launcher: sy_kv_append(keys, values, k, v, pos, n, width, capacity) → cudaError_t.
#include "../runtime/runtime.h"

namespace {

__global__ void kv_append_kernel(float* __restrict__ keys, float* __restrict__ values, const float* __restrict__ k,
                                 const float* __restrict__ v, const float* __restrict__ pos, int n, int width, int capacity) {
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i >= static_cast<size_t>(n) * width) return;
  const int row = static_cast<int>(pos[0]) + static_cast<int>(i / width);
  if (row >= capacity) return;
  const size_t at = static_cast<size_t>(row) * width + i % width;
  keys[at] = k[i];
  values[at] = v[i];
}

}  // namespace

extern "C" int sy_kv_append(float* keys, float* values, const float* k, const float* v, const float* pos, int n, int width,
                            int capacity) {
  const size_t total = static_cast<size_t>(n) * width;
  if (total == 0) return cudaSuccess;
  kv_append_kernel<<<static_cast<unsigned>((total + 255) / 256), 256, 0, sy_stream_handle()>>>(keys, values, k, v, pos, n, width, capacity);
  return cudaGetLastError();
}
