import type { ModelCard } from "../routing/model-card.ts";
import type { QualityPredictor } from "../routing/quality-predictor.ts";
import { FEATURE_DIM, featurize, writeDense } from "./features.ts";
import { predictQualities, type RouterModel } from "./mf-model.ts";

/** What identifies a published router: its version and the model ids of its output columns, in order. */
export interface RouterMeta {
  version: string;
  modelIds: string[];
}

/** Runs the exported graph on a dense [rows, FEATURE_DIM] batch and returns [rows, M] qualities. */
export type QualityRunner = (features: Float32Array, rows: number) => Promise<Float32Array>;

/** Maps router outputs onto the library: a model the router has no vector for keeps its card's prior. */
function toLibrary(qualities: ArrayLike<number>, modelIds: string[], cards: ModelCard[]): Record<string, number> {
  const column = new Map(modelIds.map((id, i) => [id, i]));
  return Object.fromEntries(
    cards.map((c) => {
      const i = column.get(c.id);
      const q = i === undefined ? Number.NaN : (qualities[i] ?? Number.NaN);
      return [c.id, Number.isFinite(q) ? q : c.qualityPrior];
    }),
  );
}

/**
 * A QualityPredictor over any runner of the router graph (onnxruntime-web in the Worker or on Node):
 * prompt → features → runner → quality per library model.
 */
export function createFeaturePredictor(run: QualityRunner, meta: RouterMeta): QualityPredictor {
  return {
    version: meta.version,
    async predict(prompt: string, cards: ModelCard[]): Promise<Record<string, number>> {
      const dense = new Float32Array(FEATURE_DIM);
      writeDense(featurize(prompt), dense);
      return toLibrary(await run(dense, 1), meta.modelIds, cards);
    },
  };
}

/** The same predictor on the TypeScript forward pass (training side, tests, the CLI). */
export function createModelPredictor(model: RouterModel, version: string): QualityPredictor {
  return {
    version,
    predict(prompt: string, cards: ModelCard[]): Promise<Record<string, number>> {
      return Promise.resolve(toLibrary(predictQualities(model, featurize(prompt)), model.modelIds, cards));
    },
  };
}
