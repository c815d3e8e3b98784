// The engine's device runtime: one device, one stream, one cuBLAS handle, and the named host↔device crossings
// (weights in, ids in, values out). Every launcher of kernels/*/ runs on the stream sy_stream() returns, so a
// decode step captured on it (sy_capture_begin … sy_capture_end) replays as one CUDA graph (sy_graph_launch).
// CUDA's runtime is linked statically, so the library needs only the driver; cuBLAS is loaded when found.
// Loaded by src/engine/backends/cuda through Deno's FFI; every function returns a cudaError_t (0 = success)
// unless it says otherwise, and sy_error_string names it.
#include <cuda_runtime.h>
#include <stdint.h>

#include "runtime.h"

namespace {
cudaStream_t g_stream = nullptr;
cudaGraph_t g_graph = nullptr;
}  // namespace

cudaStream_t sy_stream_handle() { return g_stream; }

extern "C" int sy_init(int device) {
  if (g_stream) return cudaSuccess;
  cudaError_t e = cudaSetDevice(device);
  if (e != cudaSuccess) return e;
  return cudaStreamCreateWithFlags(&g_stream, cudaStreamNonBlocking);
}

extern "C" int sy_device_count(int* count) { return cudaGetDeviceCount(count); }

extern "C" int sy_device_name(char* out, int capacity) {
  cudaDeviceProp p;
  int dev = 0;
  cudaError_t e = cudaGetDevice(&dev);
  if (e == cudaSuccess) e = cudaGetDeviceProperties(&p, dev);
  if (e != cudaSuccess) return e;
  int i = 0;
  for (; i + 1 < capacity && p.name[i]; ++i) out[i] = p.name[i];
  if (capacity > 0) out[i] = 0;
  return cudaSuccess;
}

extern "C" const char* sy_error_string(int code) { return cudaGetErrorString(static_cast<cudaError_t>(code)); }

extern "C" int sy_mem_info(uint64_t* free_bytes, uint64_t* total_bytes) {
  size_t f = 0, t = 0;
  const cudaError_t e = cudaMemGetInfo(&f, &t);
  *free_bytes = f;
  *total_bytes = t;
  return e;
}

extern "C" int sy_malloc(uint64_t bytes, uint64_t* out) {
  void* p = nullptr;
  const cudaError_t e = cudaMalloc(&p, bytes);
  *out = reinterpret_cast<uint64_t>(p);
  return e;
}

extern "C" int sy_free(uint64_t ptr) { return cudaFree(reinterpret_cast<void*>(ptr)); }

extern "C" int sy_upload(uint64_t dst, const void* src, uint64_t bytes) {
  const cudaError_t e = cudaMemcpyAsync(reinterpret_cast<void*>(dst), src, bytes, cudaMemcpyHostToDevice, g_stream);
  return e != cudaSuccess ? e : cudaStreamSynchronize(g_stream);
}

extern "C" int sy_download(void* dst, uint64_t src, uint64_t bytes) {
  const cudaError_t e = cudaMemcpyAsync(dst, reinterpret_cast<const void*>(src), bytes, cudaMemcpyDeviceToHost, g_stream);
  return e != cudaSuccess ? e : cudaStreamSynchronize(g_stream);
}

extern "C" int sy_memset(uint64_t ptr, uint64_t bytes) {
  return cudaMemsetAsync(reinterpret_cast<void*>(ptr), 0, bytes, g_stream);
}

// Strided 2-D copy on the stream (capturable): height rows of width bytes.
extern "C" int sy_copy2d(uint64_t dst, uint64_t dpitch, uint64_t src, uint64_t spitch, uint64_t width, uint64_t height) {
  if (width == 0 || height == 0) return cudaSuccess;
  return cudaMemcpy2DAsync(reinterpret_cast<void*>(dst), dpitch, reinterpret_cast<const void*>(src), spitch, width, height,
                           cudaMemcpyDeviceToDevice, g_stream);
}

extern "C" int sy_synchronize() { return cudaStreamSynchronize(g_stream); }

extern "C" int sy_capture_begin() {
  return cudaStreamBeginCapture(g_stream, cudaStreamCaptureModeThreadLocal);
}

// Ends the capture and instantiates it; *out is the executable graph.
extern "C" int sy_capture_end(uint64_t* out) {
  cudaError_t e = cudaStreamEndCapture(g_stream, &g_graph);
  if (e != cudaSuccess) return e;
  cudaGraphExec_t exec = nullptr;
  e = cudaGraphInstantiate(&exec, g_graph, 0);
  cudaGraphDestroy(g_graph);
  g_graph = nullptr;
  *out = reinterpret_cast<uint64_t>(exec);
  return e;
}

extern "C" int sy_graph_launch(uint64_t exec) {
  return cudaGraphLaunch(reinterpret_cast<cudaGraphExec_t>(exec), g_stream);
}

extern "C" int sy_graph_destroy(uint64_t exec) { return cudaGraphExecDestroy(reinterpret_cast<cudaGraphExec_t>(exec)); }

extern "C" int sy_last_error() { return cudaGetLastError(); }

// The stream as a handle, for the launchers that take one as their last argument.
extern "C" uint64_t sy_stream() { return reinterpret_cast<uint64_t>(g_stream); }
