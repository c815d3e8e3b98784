import type { ModelCard } from "./model-card.ts";

/**
 * Predicts, for one prompt, the quality in [0,1] (higher is better) each library model would reach.
 * The learned router implements this; the routing core turns quality into loss = 1 − quality.
 */
export interface QualityPredictor {
  /** names the predictor in decision rows, e.g. "prior" or a router version id */
  readonly version: string;
  /** quality per model id, one entry for every card passed in */
  predict(prompt: string, cards: ModelCard[]): Promise<Record<string, number>>;
}

/** The fallback predictor: each model's prior quality from its card, whatever the prompt. */
export const priorPredictor: QualityPredictor = {
  version: "prior",
  predict(_prompt: string, cards: ModelCard[]): Promise<Record<string, number>> {
    return Promise.resolve(Object.fromEntries(cards.map((c) => [c.id, c.qualityPrior])));
  },
};
