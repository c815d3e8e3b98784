import * as ort from "onnxruntime-web";
import { onnx as onnxProto } from "onnx-proto";
import { describe, expect, it } from "vitest";
import { createFeaturePredictor } from "../../src/router/feature-predictor.ts";
import { FEATURE_DIM, featurize, writeDense } from "../../src/router/features.ts";
import { initRouterModel, predictQualities } from "../../src/router/mf-model.ts";
import { exportOnnx, ONNX_INPUT, ONNX_OUTPUT } from "../../src/router/onnx-export.ts";
import { demoCard } from "./fixtures.ts";

ort.env.wasm.numThreads = 1;
const prompts = ["What is 17 * 23?", "Écris un poème sur la mer.", "def add(a, b):\n    return a + b", "中国的首都是哪里？", "x"];
const model = initRouterModel(["m-a", "m-b", "m-c"], 16, 8, 3);
// Non-zero biases so a bias dropped by the exporter would show.
model.b1.forEach((_, i) => (model.b1[i] = 0.01 * (i - 8)));
model.b2.forEach((_, i) => (model.b2[i] = 0.05 * (i - 4)));
model.b.set([0.3, -0.2, 0.1]);

describe("ONNX export", () => {
  it("runs in onnxruntime-web (wasm) and matches the TypeScript forward pass", async () => {
    const session = await ort.InferenceSession.create(exportOnnx(model, "t1"));
    const dense = new Float32Array(prompts.length * FEATURE_DIM);
    prompts.forEach((p, r) => writeDense(featurize(p), dense, r));
    const out = await session.run({ [ONNX_INPUT]: new ort.Tensor("float32", dense, [prompts.length, FEATURE_DIM]) });
    const got = out[ONNX_OUTPUT]?.data as Float32Array;
    expect(got.length).toBe(prompts.length * 3);
    prompts.forEach((p, r) => {
      const want = predictQualities(model, featurize(p));
      want.forEach((q, m) => expect(Math.abs((got[r * 3 + m] ?? Number.NaN) - q)).toBeLessThan(1e-5));
    });
  });

  it("is a valid ONNX ModelProto carrying the feature recipe and model ids", () => {
    const decoded = onnxProto.ModelProto.decode(exportOnnx(model, "t1"));
    expect(decoded.graph?.node?.map((n) => n.opType)).toEqual(["MatMul", "Add", "Relu", "MatMul", "Add", "MatMul", "Add", "Sigmoid"]);
    const props = Object.fromEntries((decoded.metadataProps ?? []).map((p) => [p.key, p.value]));
    expect(JSON.parse(props.model_ids ?? "[]")).toEqual(["m-a", "m-b", "m-c"]);
    expect(decoded.graph?.initializer?.find((t) => t.name === "w1")?.dims?.map(Number)).toEqual([FEATURE_DIM, 16]);
  });

  it("stays under the D1 blob budget at the default size (4125×64 f32 encoder)", () => {
    const bytes = exportOnnx(initRouterModel(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k"], 64, 32, 1), "size");
    expect(bytes.length).toBeLessThan(1.5e6);
  });

  it("as a predictor falls back to the card prior for models the router has no column for", async () => {
    const session = await ort.InferenceSession.create(exportOnnx(model, "t1"));
    const predictor = createFeaturePredictor(async (x, rows) => {
      const out = await session.run({ [ONNX_INPUT]: new ort.Tensor("float32", x, [rows, FEATURE_DIM]) });
      return out[ONNX_OUTPUT]?.data as Float32Array;
    }, { version: "t1", modelIds: model.modelIds });
    const q = await predictor.predict(prompts[0] ?? "", [demoCard("m-b", 0.5), demoCard("unknown", 0.42)]);
    expect(q.unknown).toBe(0.42);
    expect(Math.abs((q["m-b"] ?? 0) - (predictQualities(model, featurize(prompts[0] ?? ""))[1] ?? 0))).toBeLessThan(1e-5);
  });
});
