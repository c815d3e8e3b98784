// KV-cache write, the CPU op `kvAppend` (src/engine/backends/cpu/attention.ts): rows pos … pos+n−1 of keys and
// values ← k, v [n, width]. The caches are [capacity, width], allocated whole at load; pos [1] is read on the
// device. Rows past the capacity are not written (the host refuses such a request before any work starts).
// Layouts: row-major, device pointers: keys, values [capacity, width] in the cache dtype (f32, or bf16 rounded to
// nearest: kernels/attention, sy_kv_dtype); k, v [n, width] f32; pos [1].
// Versions: v1 (current) — one thread per element of k and of v.
// Launcher: sy_kv_append(keys, values, k, v, pos, n, width, capacity, dtype) → cudaError_t.
#include "../runtime/runtime.h"

namespace {

__device__ __forceinline__ void store(float* p, float v) { *p = v; }
__device__ __forceinline__ void store(__nv_bfloat16* p, float v) { *p = __float2bfloat16(v); }

template <typename T>
__global__ void kv_append_kernel(T* __restrict__ keys, T* __restrict__ values, const float* __restrict__ k,
                                 const float* __restrict__ v, const float* __restrict__ pos, int n, int width, int capacity) {
  const size_t i = blockIdx.x * static_cast<size_t>(blockDim.x) + threadIdx.x;
  if (i >= static_cast<size_t>(n) * width) return;
  const int row = static_cast<int>(pos[0]) + static_cast<int>(i / width);
  if (row >= capacity) return;
  const size_t at = static_cast<size_t>(row) * width + i % width;
  store(keys + at, k[i]);
  store(values + at, v[i]);
}

}  // namespace

extern "C" int sy_kv_append(void* keys, void* values, const float* k, const float* v, const float* pos, int n, int width,
                            int capacity, int dtype) {
  const size_t total = static_cast<size_t>(n) * width;
  if (total == 0) return cudaSuccess;
  const unsigned blocks = static_cast<unsigned>((total + 255) / 256);
  cudaStream_t s = sy_stream_handle();
  if (dtype == kBF16) {
    kv_append_kernel<<<blocks, 256, 0, s>>>(static_cast<__nv_bfloat16*>(keys), static_cast<__nv_bfloat16*>(values), k, v, pos, n, width, capacity);
  } else if (dtype == kF32) {
    kv_append_kernel<<<blocks, 256, 0, s>>>(static_cast<float*>(keys), static_cast<float*>(values), k, v, pos, n, width, capacity);
  } else {
    return cudaErrorInvalidValue;
  }
  return cudaGetLastError();
}
