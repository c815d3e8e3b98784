/**
 * The one seam through which the edge gets its quality predictor: the active learned router from
 * router_versions (onnxruntime-web in the Worker), or each model's card prior when none is active or the
 * router cannot run. Per isolate: the active version id is re-read at most every few seconds, and its
 * graph is loaded and checked once per version, never per request.
 */
import { openDatabase } from "../db/database.ts";
import { activeRouterVersion, loadRouterGraph, type RouterGraph } from "../db/queries-routers.ts";
import { createOnnxPredictor, type OnnxPredictor } from "../router/onnx-predictor.ts";
import type { ModelCard } from "../routing/model-card.ts";
import { priorPredictor, type QualityPredictor } from "../routing/quality-predictor.ts";
import type { Bindings } from "./app-env.ts";
import { errorText, logEvent } from "./log.ts";

/** How long an isolate trusts its idea of the active version (publishing reaches every isolate within this). */
const ACTIVE_TTL_MS = 5_000;
/** After a version failed to load or run its check, how long before this isolate tries it again. */
const RETRY_FAILED_MS = 60_000;

// Only ids and priors matter to a predictor; the rest makes it a valid card.
const PROBE_CARD: ModelCard = {
  id: "probe",
  family: "transformer",
  architecture: "probe",
  params: 1,
  layers: 1,
  attentionLayers: 1,
  dModel: 1,
  dInner: 0,
  dState: 0,
  kvHeads: 1,
  headDim: 1,
  contextLength: 1,
  releasedAt: "2020-01-01",
  bytesPerParam: 2,
  priceInputPerMTok: 0,
  priceOutputPerMTok: 0,
  calibration: null,
  qualityPrior: 0,
  capabilities: [],
};

let active: { version: string | null; readAt: number } | null = null;
let loaded: { version: string; predictor: OnnxPredictor } | null = null;
let failed: { version: string; at: number } | null = null;
let loading: { version: string; promise: Promise<QualityPredictor | null> } | null = null;

/** The predictor for this request: the active router's, or priorPredictor. Never throws. */
export async function getPredictor(env: Bindings): Promise<QualityPredictor> {
  try {
    const version = await activeVersion(env);
    if (version === null) return priorPredictor;
    if (loaded?.version === version) return loaded.predictor;
    if (failed?.version === version && Date.now() - failed.at < RETRY_FAILED_MS) return priorPredictor;
    return (await load(env, version)) ?? priorPredictor;
  } catch (err) {
    logEvent("error", `router: falling back to the card prior: ${errorText(err)}`);
    return priorPredictor;
  }
}

/** Forgets this isolate's view of the active version (after an admin write), so the next request re-reads it. */
export function invalidateRouter(): void {
  active = null;
}

/**
 * Builds a version's predictor and runs it once before anyone relies on it: ORT creates its session
 * lazily, so a graph that does not load or run fails here (STACK.md: a failed ORT init poisons the
 * isolate, so nothing unchecked is cached). The caller releases it when done with it.
 * @throws when the graph does not run or answers with something other than one quality per model
 */
export async function checkedPredictor(graph: RouterGraph): Promise<OnnxPredictor> {
  const predictor = await createOnnxPredictor(graph.onnx, { version: graph.version, modelIds: graph.modelIds });
  try {
    // Priors of -1 are outside [0,1]: a column the graph does not fill shows up as -1 and fails the check.
    const probe: ModelCard[] = graph.modelIds.map((id) => ({ ...PROBE_CARD, id, qualityPrior: -1 }));
    const q = await predictor.predict("probe", probe);
    const bad = graph.modelIds.filter((id) => !(typeof q[id] === "number" && q[id] >= 0 && q[id] <= 1));
    if (bad.length > 0) throw new Error(`router ${graph.version} gave no quality in [0,1] for ${bad.join(", ")}`);
    return predictor;
  } catch (err) {
    await predictor.release();
    throw err;
  }
}

async function activeVersion(env: Bindings): Promise<string | null> {
  if (active && Date.now() - active.readAt < ACTIVE_TTL_MS) return active.version;
  const version = await activeRouterVersion(openDatabase(env.DB));
  active = { version, readAt: Date.now() };
  return version;
}

function load(env: Bindings, version: string): Promise<QualityPredictor | null> {
  // Concurrent first requests share one load.
  if (loading?.version === version) return loading.promise;
  const promise = (async () => {
    try {
      const graph = await loadRouterGraph(openDatabase(env.DB), version);
      if (!graph) return null;
      const predictor = await checkedPredictor(graph);
      // The version it replaces frees its session once its predictions in flight end; a request that took
      // it just before the switch and predicts after it gets the card prior.
      const replaced = loaded?.predictor;
      loaded = { version, predictor };
      failed = null;
      void replaced?.release();
      return predictor;
    } catch (err) {
      failed = { version, at: Date.now() };
      logEvent("error", `router ${version}: cannot load, using the card prior: ${errorText(err)}`, { router_version: version });
      return null;
    } finally {
      loading = null;
    }
  })();
  loading = { version, promise };
  return promise;
}
