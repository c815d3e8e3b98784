import * as ort from "onnxruntime-web";
import { FEATURE_DIM, featurize, writeDense } from "./features.ts";
import { ONNX_INPUT, ONNX_OUTPUT } from "./onnx-export.ts";

/**
 * Runs an exported router graph on Node (onnxruntime-web, wasm, one thread: the graph is small and the
 * machine may be shared) over prompts, in batches so the dense feature matrix stays a few MB.
 * @returns the predicted quality of each of `modelCount` models per prompt, in the graph's model order
 */
export async function predictWithOnnx(onnx: Uint8Array, modelCount: number, prompts: string[], batch = 256): Promise<Float32Array[]> {
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(onnx);
  const out: Float32Array[] = [];
  for (let start = 0; start < prompts.length; start += batch) {
    const chunk = prompts.slice(start, start + batch);
    const dense = new Float32Array(chunk.length * FEATURE_DIM);
    chunk.forEach((p, r) => writeDense(featurize(p), dense, r));
    const result = (await session.run({ [ONNX_INPUT]: new ort.Tensor("float32", dense, [chunk.length, FEATURE_DIM]) }))[ONNX_OUTPUT];
    if (!result || result.dims[1] !== modelCount) throw new Error(`router graph: expected '${ONNX_OUTPUT}' with ${modelCount} columns, got ${result ? `[${result.dims.join(", ")}]` : "none"}`);
    const q = result.data as Float32Array;
    for (let r = 0; r < chunk.length; r++) out.push(q.slice(r * modelCount, (r + 1) * modelCount));
  }
  await session.release();
  return out;
}
