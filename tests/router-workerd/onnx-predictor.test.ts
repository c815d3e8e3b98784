import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { featurize } from "../../src/router/features.ts";
import { initRouterModel, predictQualities } from "../../src/router/mf-model.ts";
import { exportOnnx } from "../../src/router/onnx-export.ts";
import { demoCard } from "../router/fixtures.ts";
import { type PredictorWorker, startPredictorWorker } from "./router-workerd.ts";

// The edge's predictor inside real workerd (wrangler dev): onnxruntime-web with the imported .wasm module.
const model = initRouterModel(["m-a", "m-b", "m-c"], 16, 8, 5);
model.b.set([0.2, -0.1, 0.05]);
const prompts = ["What is 17 * 23?", "Écris un poème sur la mer.", "中国的首都是哪里？", "def f(x): return x"];
let worker: PredictorWorker;

beforeAll(async () => {
  worker = await startPredictorWorker();
});
afterAll(async () => {
  await worker?.stop();
});

async function predict(body: object): Promise<{ version: string; qualities: Record<string, number>[] }> {
  const res = await fetch(worker.url, { method: "POST", body: JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
  expect(res.status).toBe(200);
  return (await res.json()) as { version: string; qualities: Record<string, number>[] };
}

describe("createOnnxPredictor in workerd", () => {
  it("matches the TypeScript forward pass and falls back to the card prior for unknown models", async () => {
    const onnx = Buffer.from(exportOnnx(model, "wk-1")).toString("base64");
    const cards = [demoCard("m-a", 0.1), demoCard("m-c", 0.2), demoCard("not-in-router", 0.33)];
    const out = await predict({ onnx_base64: onnx, version: "wk-1", model_ids: model.modelIds, cards, prompts });
    expect(out.version).toBe("wk-1");
    prompts.forEach((p, i) => {
      const want = predictQualities(model, featurize(p));
      const got = out.qualities[i] ?? {};
      expect(Math.abs((got["m-a"] ?? -1) - (want[0] ?? 0))).toBeLessThan(1e-5);
      expect(Math.abs((got["m-c"] ?? -1) - (want[2] ?? 0))).toBeLessThan(1e-5);
      expect(got["not-in-router"]).toBe(0.33);
    });
  });
});
