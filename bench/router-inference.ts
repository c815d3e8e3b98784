/**
 * Router inference latency per prompt (features + ONNX graph), at the default router size.
 *   npx tsx bench/router-inference.ts [--data ../shared/data/routing] [--n 2000]
 * Node: onnxruntime-web (wasm, 1 thread) and the TS forward pass, p50/p90 per prompt. workerd: the same
 * predictor in a Worker under wrangler dev; time inside a Worker does not advance without I/O, so it is
 * measured from outside: one request predicts every prompt R times (mean per prompt, HTTP amortised),
 * plus single-prompt requests (p50 round trip, an upper bound). Prints figures; asserts nothing on time.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import * as ort from "onnxruntime-web";
import { FEATURE_DIM, featurize, writeDense } from "../src/router/features.ts";
import { initRouterModel, predictQualities } from "../src/router/mf-model.ts";
import { exportOnnx, ONNX_INPUT, ONNX_OUTPUT } from "../src/router/onnx-export.ts";
import { DEFAULT_DATA_DIR, loadDataset } from "../src/router/outcome-files.ts";
import { DEFAULT_TRAIN_OPTIONS } from "../src/router/train.ts";
import { demoCard } from "../tests/router/fixtures.ts";
import { startPredictorWorker } from "../tests/router-workerd/router-workerd.ts";

const { values } = parseArgs({ options: { data: { type: "string", default: join(import.meta.dirname, "..", DEFAULT_DATA_DIR) }, n: { type: "string", default: "2000" } } });
const n = Number(values.n);

async function prompts(): Promise<{ source: string; list: string[] }> {
  if (existsSync(values.data)) {
    const rows = [...(await loadDataset(values.data, "model7", "test")), ...(await loadDataset(values.data, "routerbench", "test"))].flatMap((s) => s.rows);
    const step = Math.max(1, Math.floor(rows.length / n));
    return { source: `model7 + routerbench test prompts (${values.data})`, list: rows.filter((_, i) => i % step === 0).slice(0, n).map((r) => r.prompt) };
  }
  const words = "route the prompt to a model that answers well and cheaply under load".split(" ");
  return { source: "synthetic prompts (no shared data)", list: Array.from({ length: n }, (_, i) => Array.from({ length: 5 + (i % 200) }, (_, k) => words[(i * 7 + k) % words.length]).join(" ")) };
}

function quantiles(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => (s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? Number.NaN).toFixed(4);
  return `p50 ${q(0.5)} ms  p90 ${q(0.9)} ms  p99 ${q(0.99)} ms`;
}

const { source, list } = await prompts();
const modelIds = Array.from({ length: 11 }, (_, i) => `model-${i}`);
const model = initRouterModel(modelIds, DEFAULT_TRAIN_OPTIONS.hidden, DEFAULT_TRAIN_OPTIONS.embed, 1);
const onnx = exportOnnx(model, "bench");
const chars = list.reduce((s, p) => s + p.length, 0) / list.length;
console.log(`router: ${FEATURE_DIM}→${model.hidden}→${model.embed}, ${modelIds.length} models, ONNX ${(onnx.length / 1e6).toFixed(2)} MB`);
console.log(`prompts: ${list.length} from ${source}, mean ${chars.toFixed(0)} chars`);

ort.env.wasm.numThreads = 1;
const session = await ort.InferenceSession.create(onnx, { executionProviders: ["wasm"] });
const dense = new Float32Array(FEATURE_DIM);
const runOne = async (p: string) => {
  dense.fill(0);
  writeDense(featurize(p), dense);
  const out = await session.run({ [ONNX_INPUT]: new ort.Tensor("float32", dense, [1, FEATURE_DIM]) });
  return out[ONNX_OUTPUT];
};
for (const p of list.slice(0, 200)) await runOne(p);
const feat: number[] = [];
const ortMs: number[] = [];
const tsMs: number[] = [];
for (const p of list) {
  let t = performance.now();
  featurize(p);
  feat.push(performance.now() - t);
  t = performance.now();
  await runOne(p);
  ortMs.push(performance.now() - t);
  t = performance.now();
  predictQualities(model, featurize(p));
  tsMs.push(performance.now() - t);
}
console.log(`node  features only            ${quantiles(feat)}`);
console.log(`node  features + ORT-web wasm  ${quantiles(ortMs)}`);
console.log(`node  features + TS forward    ${quantiles(tsMs)}`);

const worker = await startPredictorWorker();
try {
  const cards = modelIds.map((id) => demoCard(id, 0.5));
  const body = (ps: string[], repeat: number, withGraph = false) =>
    JSON.stringify({ onnx_base64: withGraph ? Buffer.from(onnx).toString("base64") : undefined, version: "bench", model_ids: modelIds, cards, prompts: ps, repeat });
  const post = (b: string) => fetch(worker.url, { method: "POST", body: b, signal: AbortSignal.timeout(300_000) }).then((r) => r.json());
  await post(body(list.slice(0, 50), 1, true)); // upload, session creation and JIT warm-up
  const batch = list.slice(0, Math.min(500, list.length));
  const repeat = 4;
  const emptyStart = performance.now();
  await post(body(batch.slice(0, 1), 1));
  const overhead = performance.now() - emptyStart;
  const start = performance.now();
  await post(body(batch, repeat));
  const perPrompt = (performance.now() - start - overhead) / (batch.length * repeat);
  console.log(`workerd  mean per prompt in one request (${batch.length}×${repeat}, one-prompt request time subtracted): ${perPrompt.toFixed(4)} ms`);
  const single: number[] = [];
  for (const p of list.slice(0, 200)) {
    const b = body([p], 1);
    const t = performance.now();
    await post(b);
    single.push(performance.now() - t);
  }
  console.log(`workerd  single-prompt HTTP round trip (upper bound) ${quantiles(single)}`);
} finally {
  await worker.stop();
}
