import type { ModelCard } from "../../src/routing/model-card.ts";

/** A valid card for predictor tests; only id and qualityPrior matter to the router. */
export function demoCard(id: string, qualityPrior: number): ModelCard {
  return {
    id,
    family: "transformer",
    architecture: "LlamaForCausalLM",
    params: 1_000_000,
    layers: 2,
    attentionLayers: 2,
    dModel: 64,
    dInner: 0,
    dState: 0,
    kvHeads: 2,
    headDim: 32,
    contextLength: 2048,
    releasedAt: "2024-01-01",
    bytesPerParam: 2,
    priceInputPerMTok: 0.1,
    priceOutputPerMTok: 0.2,
    calibration: null,
    qualityPrior,
    capabilities: [],
  };
}
