/** A three-model library (SSM, hybrid, Transformer) served by one loopback upstream; e2e tests and the bench share it. */
import type { LibraryModel, UpstreamInput } from "../../../src/db/records.ts";

const base = {
  architecture: "",
  layers: 24,
  dModel: 2048,
  contextLength: 8192,
  releasedAt: "2025-01-01",
  bytesPerParam: 2,
  calibration: null,
  upstreamModel: null,
  enabled: true,
} as const;

/** Upstream "u" at `baseUrl` and three models on it; the Transformer has the highest quality prior. */
export function benchLibrary(baseUrl: string, upstreamId = "u"): { upstreams: UpstreamInput[]; models: LibraryModel[] } {
  return {
    upstreams: [{ id: upstreamId, baseUrl, secretName: null, timeoutMs: 5_000, weight: 1, enabled: true }],
    models: [
      {
        ...base, id: "bench-mamba", family: "ssm", architecture: "MambaForCausalLM", params: 1_400_000_000,
        attentionLayers: 0, dInner: 4096, dState: 16, kvHeads: 0, headDim: 0,
        priceInputPerMTok: 0.1, priceOutputPerMTok: 0.2, qualityPrior: 0.5, upstream: upstreamId, capabilities: [],
      },
      {
        ...base, id: "bench-bamba", family: "hybrid", architecture: "BambaForCausalLM", params: 2_700_000_000,
        attentionLayers: 3, dInner: 4096, dState: 64, kvHeads: 8, headDim: 128,
        priceInputPerMTok: 0.2, priceOutputPerMTok: 0.4, qualityPrior: 0.6, upstream: upstreamId, capabilities: [],
      },
      {
        ...base, id: "bench-llama", family: "transformer", architecture: "LlamaForCausalLM", params: 3_200_000_000,
        attentionLayers: 24, dInner: 0, dState: 0, kvHeads: 8, headDim: 128,
        priceInputPerMTok: 0.3, priceOutputPerMTok: 0.6, qualityPrior: 0.7, upstream: upstreamId, capabilities: [],
      },
    ],
  };
}
