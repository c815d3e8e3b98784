import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-web";
import { afterAll, describe, expect, it } from "vitest";
import { FEATURE_DIM, featurize, writeDense } from "../../src/router/features.ts";
import { initRouterModel, predictQualities } from "../../src/router/mf-model.ts";
import { ONNX_INPUT, ONNX_OUTPUT } from "../../src/router/onnx-export.ts";
import { readArtifact, writeArtifact } from "../../src/router/router-artifact.ts";

const dir = await mkdtemp(join(tmpdir(), "router-artifact-"));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("router artifacts", () => {
  const model = initRouterModel(["a", "b"], 8, 4, 2);

  it("round-trips: the written ONNX, read back, predicts what the model predicts", async () => {
    const { onnx } = await writeArtifact(dir, model, "router-t1", { note: "test" });
    const { meta, onnx: bytes } = await readArtifact(onnx);
    expect(meta.modelIds).toEqual(["a", "b"]);
    const session = await ort.InferenceSession.create(bytes);
    const x = new Float32Array(FEATURE_DIM);
    writeDense(featurize("hello router"), x);
    const out = (await session.run({ [ONNX_INPUT]: new ort.Tensor("float32", x, [1, FEATURE_DIM]) }))[ONNX_OUTPUT]?.data as Float32Array;
    const want = predictQualities(model, featurize("hello router"));
    expect(Math.abs((out[1] ?? 0) - (want[1] ?? 0))).toBeLessThan(1e-5);
  });

  it("refuses an artifact trained on another feature recipe", async () => {
    const { meta } = await writeArtifact(dir, model, "router-t2", {});
    const sidecar = JSON.parse(await readFile(meta, "utf8")) as Record<string, unknown>;
    await writeFile(meta, JSON.stringify({ ...sidecar, featureVersion: "old-recipe" }));
    await expect(readArtifact(meta)).rejects.toThrow(/retrain/);
  });
});
