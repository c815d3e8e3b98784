/**
 * What every workerd edge bench does before it measures (edge-load, edge-soak, edge-memory): seed the bench
 * library through the admin API, make a key, and publish a learned router of the default size (through the
 * admin API, or as rows written straight to D1).
 */
import { benchLibrary } from "../tests/e2e/support/bench-library.ts";
import type { EdgeProcess } from "../tests/e2e/support/edge-process.ts";
import type { WorkerdEdge } from "../tests/e2e/support/workerd-edge.ts";
import { FEATURE_VERSION } from "../src/router/features.ts";
import { initRouterModel } from "../src/router/mf-model.ts";
import { exportOnnx } from "../src/router/onnx-export.ts";
import { publishStatements } from "../src/router/publish-sql.ts";
import { DEFAULT_TRAIN_OPTIONS } from "../src/router/train.ts";

/**
 * Puts the bench library's three models on the edge, with one upstream per entry of `upstreams` (id → base
 * URL); each model is served by `upstreamOf[model]`, else by the first upstream.
 */
export async function seedBenchLibrary(edge: EdgeProcess, upstreams: Record<string, string>, upstreamOf: Record<string, string> = {}): Promise<void> {
  const ids = Object.keys(upstreams);
  const lib = benchLibrary(upstreams[ids[0] ?? ""] ?? "", ids[0]);
  for (const id of ids) await edge.admin("PUT", `/upstreams/${id}`, { ...lib.upstreams[0], id, baseUrl: upstreams[id] });
  for (const m of lib.models) await edge.admin("PUT", `/models/${m.id}`, { ...m, upstream: upstreamOf[m.id] ?? ids[0] });
}

/** A new API key named `name`. */
export async function createKey(edge: EdgeProcess, name: string): Promise<string> {
  return ((await edge.admin("POST", "/keys", { name })) as { key: string }).key;
}

/**
 * A router over the bench library's models, the size `router train` makes by default (random weights: its
 * picks do not matter here, only that ORT loads and runs it).
 */
export function benchRouter(version: string): { modelIds: string[]; onnx: Uint8Array } {
  const modelIds = benchLibrary("").models.map((m) => m.id);
  const model = initRouterModel(modelIds, DEFAULT_TRAIN_OPTIONS.hidden, DEFAULT_TRAIN_OPTIONS.embed, 1);
  return { modelIds, onnx: exportOnnx(model, version) };
}

/** Publishes `benchRouter(version)` through the admin API, `active` or not. */
export async function publishBenchRouter(edge: EdgeProcess, version: string, active = true): Promise<void> {
  const { modelIds, onnx } = benchRouter(version);
  await edge.admin("PUT", `/routers/${version}`, { model_ids: modelIds, onnx_base64: Buffer.from(onnx).toString("base64"), active });
}

/**
 * Writes `benchRouter(version)` straight into the edge's D1 and activates it, as `wrangler d1 execute` of
 * `router publish`'s SQL would: no request reaches the Worker, so nothing of the publish stays in its isolate.
 * Each isolate then loads it on its first routed request after at most 5 s (src/edge/predictor.ts).
 */
export async function writeBenchRouter(edge: WorkerdEdge, version: string): Promise<void> {
  const { modelIds, onnx } = benchRouter(version);
  const meta = { version, createdAt: Date.now(), featureVersion: FEATURE_VERSION, modelIds, metrics: {} };
  for (const statement of publishStatements(meta, onnx, true)) await edge.sql(statement);
}
