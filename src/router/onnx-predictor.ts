import * as ort from "onnxruntime-web/wasm";
import ortWasm from "onnxruntime-web/ort-wasm-simd-threaded.wasm";
import type { QualityPredictor } from "../routing/quality-predictor.ts";
import { createFeaturePredictor, type RouterMeta } from "./feature-predictor.ts";
import { FEATURE_DIM } from "./features.ts";
import { ONNX_INPUT, ONNX_OUTPUT } from "./onnx-export.ts";

type Instantiate = (source: BufferSource | WebAssembly.Module, imports?: WebAssembly.Imports) => Promise<unknown>;

let patched = false;

/**
 * Workers refuse to compile WebAssembly from bytes, so ORT's own instantiate call (which passes bytes) is
 * redirected to the precompiled module wrangler hands us for the `.wasm` import (STACK.md recipe).
 */
function patchWasm(): void {
  if (patched) return;
  patched = true;
  const original = WebAssembly.instantiate.bind(WebAssembly) as Instantiate;
  const redirected: Instantiate = (source, imports) =>
    source instanceof WebAssembly.Module
      ? original(source, imports)
      : (original(ortWasm, imports) as Promise<WebAssembly.Instance>).then((instance) => ({ instance, module: ortWasm }));
  (WebAssembly as unknown as { instantiate: Instantiate }).instantiate = redirected;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  // Non-empty so ORT does not fetch the binary; the patched instantiate ignores these bytes.
  ort.env.wasm.wasmBinary = new Uint8Array([0]);
}

/** The learned router's predictor, holding an ORT session until released. */
export interface OnnxPredictor extends QualityPredictor {
  /**
   * Frees the ORT session once the predictions in flight have ended; later predictions throw. onnxruntime-web
   * never frees a session it is not told to (no finalizer), so a dropped predictor would keep its few MB of the
   * isolate's wasm memory for the isolate's life.
   */
  release(): Promise<void>;
}

/**
 * The learned router as the edge's QualityPredictor, inside workerd: onnxruntime-web (wasm, one thread)
 * runs the published ONNX graph. The session is created lazily on the first prediction (inside a request,
 * where the runtime allows it) and reused; a failed creation is retried on the next call, not cached.
 * Library models the router has no column for fall back to their card's qualityPrior.
 */
export async function createOnnxPredictor(onnx: Uint8Array, meta: RouterMeta): Promise<OnnxPredictor> {
  let session: Promise<ort.InferenceSession> | null = null;
  let inFlight = 0;
  let released = false;
  let freed: Promise<void> | null = null;
  const getSession = (): Promise<ort.InferenceSession> => {
    if (!session) {
      patchWasm();
      session = ort.InferenceSession.create(onnx, { executionProviders: ["wasm"], graphOptimizationLevel: "all" });
      session.catch(() => {
        session = null;
      });
    }
    return session;
  };
  const free = (): Promise<void> => {
    freed ??= session ? session.then((s) => s.release(), () => undefined) : Promise.resolve();
    return freed;
  };
  const predictor = createFeaturePredictor(async (features, rows) => {
    if (released) throw new Error(`router ${meta.version} was released`);
    inFlight++;
    try {
      const s = await getSession();
      const out = await s.run({ [ONNX_INPUT]: new ort.Tensor("float32", features, [rows, FEATURE_DIM]) });
      const q = out[ONNX_OUTPUT];
      if (!q) throw new Error(`router graph has no '${ONNX_OUTPUT}' output`);
      return q.data as Float32Array;
    } finally {
      inFlight--;
      if (released && inFlight === 0) void free();
    }
  }, meta);
  return {
    ...predictor,
    release: () => {
      released = true;
      return inFlight === 0 ? free() : Promise.resolve();
    },
  };
}
