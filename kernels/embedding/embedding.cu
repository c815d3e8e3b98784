// Embedding lookup, the CPU op `embedding` (src/engine/backends/cpu/linear.ts): y[i, :] = table[ids[i], :],
// widened to f32. table [v, d] in its stored dtype (f32, f16, bf16), ids [n] as f32 integers (the engine's id
// tensors), y [n, d]. An id outside [0, v) — only a sampler's −1 "no token" mark can be one — reads row 0; the
// host refuses such ids before any step runs.
// Layouts: as above, row-major, device pointers.
// Versions: v1 (current) — one block per row, threads stride along d.
// Launcher: sy_embedding(table, dtype, ids, y, n, d, v) → cudaError_t.
#include "../runtime/runtime.h"

namespace {

template <typename T>
__global__ void embedding_kernel(const T* __restrict__ table, const float* __restrict__ ids, float* __restrict__ y, int d, int v) {
  int id = static_cast<int>(ids[blockIdx.x]);
  if (id < 0 || id >= v) id = 0;
  const size_t src = static_cast<size_t>(id) * d, dst = static_cast<size_t>(blockIdx.x) * d;
  for (int j = threadIdx.x; j < d; j += blockDim.x) y[dst + j] = sy_load(table, src + j);
}

}  // namespace

extern "C" int sy_embedding(const void* table, int dtype, const float* ids, float* y, int n, int d, int v) {
  if (n <= 0) return cudaSuccess;
  cudaStream_t s = sy_stream_handle();
  if (dtype == kF32) embedding_kernel<<<n, 256, 0, s>>>(static_cast<const float*>(table), ids, y, d, v);
  else if (dtype == kF16) embedding_kernel<<<n, 256, 0, s>>>(static_cast<const __half*>(table), ids, y, d, v);
  else embedding_kernel<<<n, 256, 0, s>>>(static_cast<const __nv_bfloat16*>(table), ids, y, d, v);
  return cudaGetLastError();
}
