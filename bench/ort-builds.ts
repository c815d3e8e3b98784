/**
 * What each onnxruntime-web 1.30 wasm build costs in workerd: for every build, a Worker that only creates an
 * ORT session for the default-size router graph and runs it (the recipe of src/router/onnx-predictor.ts), built
 * with `wrangler deploy --dry-run` and served by Miniflare, one workerd at a time. 1.30 ships only
 * SIMD+threads builds (no non-threaded one); they differ in what else they carry:
 *   wasm      ort-wasm-simd-threaded.wasm           CPU only (what the edge imports: onnxruntime-web/wasm)
 *   jspi      ort-wasm-simd-threaded.jspi.wasm      + WebGPU/WebNN through JS promise integration
 *   webgpu    ort-wasm-simd-threaded.asyncify.wasm  + WebGPU/WebNN through Asyncify
 * (the JSEP build, onnxruntime-web's default `all` entry, is the largest: 28 MB, not measured). Per build:
 * workerd's RSS once the Worker answered a first plain request, after the session's creation and first run,
 * and after 200 more runs; the isolate's JS heap total and wasm memory (V8 inspector). A benchmark: it
 * asserts nothing.
 *
 *   npx tsx --experimental-websocket bench/ort-builds.ts
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { freePort, WRANGLER_ENV } from "../tests/e2e/support/edge-process.ts";
import { FEATURE_DIM } from "../src/router/features.ts";
import { ONNX_INPUT } from "../src/router/onnx-export.ts";
import { benchRouter } from "./edge-bench-setup.ts";
import { inspectIsolate } from "./isolate-inspector.ts";
import { descendantRss } from "./process-memory.ts";

const root = join(import.meta.dirname, "..");
const MB = 1024 * 1024;
const RUNS = 200;
const builds = [
  { name: "wasm", entry: "onnxruntime-web/wasm", wasm: "ort-wasm-simd-threaded.wasm" },
  { name: "jspi", entry: "onnxruntime-web/jspi", wasm: "ort-wasm-simd-threaded.jspi.wasm" },
  { name: "webgpu", entry: "onnxruntime-web/webgpu", wasm: "ort-wasm-simd-threaded.asyncify.wasm" },
];
const { onnx } = benchRouter("ort-builds");

console.log(`ORT builds in workerd: a ${(onnx.byteLength / MB).toFixed(2)} MB router graph, one session, ${RUNS} runs after the first\n`);
console.log("| build | .wasm | workerd RSS, Worker idle | after session + first run | after 200 more runs | added | isolate heap total, wasm memory |");
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const build of builds) {
  const dir = join(root, ".run/ort-builds", build.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "out"), { recursive: true });
  writeFileSync(join(dir, "worker.ts"), workerSource(build.entry, build.wasm));
  writeFileSync(
    join(dir, "wrangler.toml"),
    `name = "ort-${build.name}"\nmain = "worker.ts"\ncompatibility_date = "2026-04-26"\ncompatibility_flags = ["nodejs_compat"]\n` +
      `[[rules]]\ntype = "CompiledWasm"\nglobs = ["**/*.wasm"]\nfallthrough = true\n`,
  );
  const out = join(dir, "out");
  const bundled = spawnSync(join(root, "node_modules/.bin/wrangler"), ["deploy", "--dry-run", "--outdir", out, "-c", join(dir, "wrangler.toml")], {
    cwd: root,
    env: WRANGLER_ENV,
    encoding: "utf8",
    timeout: 120_000,
  });
  if (bundled.status !== 0) throw new Error(`${build.name}: wrangler deploy --dry-run failed: ${bundled.stderr}${bundled.stdout}`);
  const wasmFiles = readdirSync(out).filter((f) => f.endsWith(".wasm"));
  const inspectorPort = await freePort();
  const mf = new Miniflare({
    modules: [{ type: "ESModule", path: join(out, "worker.js") }, ...wasmFiles.map((f) => ({ type: "CompiledWasm" as const, path: join(out, f) }))],
    modulesRoot: out,
    compatibilityDate: "2026-04-26",
    compatibilityFlags: ["nodejs_compat"],
    host: "127.0.0.1",
    port: 0,
    inspectorPort,
  });
  try {
    const url = (await mf.ready).origin;
    const call = async (body?: ArrayBuffer): Promise<string> => {
      const res = await fetch(url, { method: body ? "POST" : "GET", body, signal: AbortSignal.timeout(120_000) });
      const text = await res.text();
      if (!res.ok) throw new Error(`${build.name}: HTTP ${res.status} ${text}`);
      return text;
    };
    await call();
    const idle = descendantRss("workerd");
    const graph = onnx.slice().buffer;
    await call(graph);
    const loaded = descendantRss("workerd");
    for (let i = 0; i < RUNS; i++) await call(new ArrayBuffer(0));
    const served = descendantRss("workerd");
    const isolate = await inspectIsolate(inspectorPort, "core:user:", () => call());
    await isolate.collectGarbage();
    const heap = await isolate.heap();
    const wasmMemory = await isolate.wasmMemory();
    isolate.close();
    const size = wasmFiles.reduce((sum, f) => sum + statSync(join(out, f)).size, 0);
    console.log(
      `| ${build.name} | ${mb(size)} MB | ${mb(idle)} MB | ${mb(loaded)} MB | ${mb(served)} MB | ${mb(served - idle)} MB | ${mb(heap.total)} MB, ${mb(wasmMemory)} MB |`,
    );
  } finally {
    await mf.dispose();
  }
}

/** A Worker that creates one session from the first POSTed graph (kept for the isolate's life); every POST runs it. */
function workerSource(entry: string, wasm: string): string {
  return `import * as ort from "${entry}";
import ortWasm from "onnxruntime-web/${wasm}";
const instantiate = WebAssembly.instantiate.bind(WebAssembly);
WebAssembly.instantiate = (source, imports) => source instanceof WebAssembly.Module
  ? instantiate(source, imports) : instantiate(ortWasm, imports).then((instance) => ({ instance, module: ortWasm }));
ort.env.wasm.numThreads = 1;
ort.env.wasm.proxy = false;
ort.env.wasm.wasmBinary = new Uint8Array([0]);
let session = null;
export default {
  async fetch(request) {
    if (request.method !== "POST") return new Response("ok");
    const graph = new Uint8Array(await request.arrayBuffer());
    if (graph.length > 0) session ??= await ort.InferenceSession.create(graph, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
    if (!session) return new Response("no session yet: POST the graph", { status: 409 });
    const out = await session.run({ ${ONNX_INPUT}: new ort.Tensor("float32", new Float32Array(${FEATURE_DIM}), [1, ${FEATURE_DIM}]) });
    return new Response(String(Object.keys(out)));
  },
};
`;
}

function mb(bytes: number): string {
  return (bytes / MB).toFixed(1);
}
