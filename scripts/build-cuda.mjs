#!/usr/bin/env node
// npm run build:cuda — builds the engine's CUDA library from kernels/: every kernels/<op>/<op>.cu plus the runtime
// (kernels/runtime/*.cu) into one shared library, .build/cuda/libswitchyard_cuda.so, that the tier loads through
// Deno's FFI. sm_90 machine code (the H200) plus compute_90 PTX for newer GPUs; CUDA's runtime linked statically
// so the library needs only the driver; cuBLAS is opened at run time. Objects build two at a time and are
// reused while their sources are unchanged. Usage: node scripts/build-cuda.mjs [--out DIR] [--jobs N]
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { promisify } from "node:util";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { values } = parseArgs({ options: { out: { type: "string" }, jobs: { type: "string" } } });
const out = values.out ?? join(root, ".build/cuda");
const jobs = Math.max(1, Number(values.jobs ?? 2));
const FLAGS = ["-std=c++17", "-O3", "-gencode", "arch=compute_90,code=sm_90", "-gencode", "arch=compute_90,code=compute_90", "-Xcompiler", "-fPIC,-Wall"];

const kernels = join(root, "kernels");
const sources = readdirSync(kernels, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .flatMap((e) => readdirSync(join(kernels, e.name)).filter((f) => f.endsWith(".cu")).map((f) => join(kernels, e.name, f)))
  .sort();
const header = join(kernels, "runtime/runtime.h");
mkdirSync(join(out, "obj"), { recursive: true });

async function compile(src) {
  const obj = join(out, "obj", src.slice(kernels.length + 1).replaceAll("/", "_").replace(/\.cu$/, ".o"));
  const fresh = existsSync(obj) && statSync(obj).mtimeMs > Math.max(statSync(src).mtimeMs, statSync(header).mtimeMs);
  if (!fresh) {
    const { stderr } = await run("nvcc", [...FLAGS, "-c", src, "-o", obj], { maxBuffer: 1 << 24 }).catch((e) => {
      throw new Error(e.code === "ENOENT" ? "nvcc is not on PATH (install the CUDA toolkit)" : `nvcc failed on ${src}:\n${e.stderr}`);
    });
    if (stderr.trim()) process.stderr.write(stderr);
  }
  return obj;
}

const objects = [];
const queue = [...sources];
await Promise.all(
  Array.from({ length: jobs }, async () => {
    for (let src = queue.shift(); src; src = queue.shift()) objects.push(await compile(src));
  }),
);
const lib = join(out, "libswitchyard_cuda.so");
await run("nvcc", [...FLAGS, "-shared", "-cudart", "static", "-o", lib, ...objects.sort(), "-ldl"], { maxBuffer: 1 << 24 });
console.log(lib);
