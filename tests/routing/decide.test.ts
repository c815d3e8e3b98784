import { describe, expect, it } from "vitest";
import { decide } from "../../src/routing/decide.ts";
import { FlagsSchema, type FlagsPatch } from "../../src/routing/flags.ts";
import { ModelCardSchema } from "../../src/routing/model-card.ts";

const common = {
  bytesPerParam: 2,
  calibration: null,
  contextLength: 131_072,
  priceInputPerMTok: 0.2,
  priceOutputPerMTok: 0.6,
};
// Public architecture figures of three models, one per family.
const library = [
  ModelCardSchema.parse({
    ...common, id: "llama-3-8b", family: "transformer", architecture: "LlamaForCausalLM", params: 8_030_000_000,
    layers: 32, attentionLayers: 32, dModel: 4096, dInner: 0, dState: 0, kvHeads: 8, headDim: 128,
    releasedAt: "2024-04-18", qualityPrior: 0.7,
  }),
  ModelCardSchema.parse({
    ...common, id: "mamba-2.8b", family: "ssm", architecture: "MambaForCausalLM", params: 2_770_000_000,
    layers: 64, attentionLayers: 0, dModel: 2560, dInner: 5120, dState: 16, kvHeads: 0, headDim: 0,
    releasedAt: "2023-12-01", qualityPrior: 0.55,
  }),
  ModelCardSchema.parse({
    ...common, id: "bamba-9b", family: "hybrid", architecture: "BambaForCausalLM", params: 9_780_000_000,
    layers: 32, attentionLayers: 3, dModel: 4096, dInner: 8192, dState: 128, kvHeads: 8, headDim: 128,
    releasedAt: "2024-12-18", qualityPrior: 0.68, priceInputPerMTok: 0.3,
  }),
];
const quality = { "llama-3-8b": 0.7, "mamba-2.8b": 0.55, "bamba-9b": 0.68 };
const now = new Date("2026-01-01T00:00:00Z");
const long = { promptTokens: 12_000, maxTokens: 500 };
const run = (patch: FlagsPatch, prompt = long, cards = library) =>
  decide({ cards, quality, flags: FlagsSchema.parse(patch), prompt, now });

describe("decide on a three-family library", () => {
  it("with default flags picks the best predicted quality", () => {
    const d = run({});
    expect(d.chosen).toBe("llama-3-8b");
    expect(d.objective).toBe("score = 1·loss");
    expect(d.candidates.map((c) => c.id)).toEqual(["llama-3-8b", "bamba-9b", "mamba-2.8b"]);
    expect(d.reasons[0]).toBe("llama-3-8b: lowest score 0.3 of 3 feasible models (next: bamba-9b at 0.32)");
    expect(d.reasons[1]).toBe("llama-3-8b: higher predicted quality than bamba-9b (0.70 vs 0.68)");
  });

  it("with a latency weight on a long prompt picks the SSM and says how much faster it is", () => {
    const d = run({ latency: 1 });
    expect(d.chosen).toBe("mamba-2.8b");
    const winner = d.candidates[0];
    expect(winner?.penalties.latency).toBe(0);
    const slowest = [...d.candidates].sort((a, b) => b.estimate.latencyMs - a.estimate.latencyMs)[0];
    expect(slowest?.penalties.latency).toBe(1);
    expect(d.reasons.join("\n")).toMatch(
      /mamba-2\.8b: [\d.]+× faster than llama-3-8b at 12k prompt tokens \([\d.]+ s vs [\d.]+ s\)/,
    );
    expect(d.reasons.join("\n")).toMatch(/gives up predicted quality \(0\.55 vs 0\.70\) to llama-3-8b/);
    expect(d.pareto).toEqual(expect.arrayContaining(["mamba-2.8b", "llama-3-8b"]));
  });

  it("penalises memory: the Transformer's KV cache dwarfs the SSM state", () => {
    const d = run({ memory: 1 });
    const mem = Object.fromEntries(d.candidates.map((c) => [c.id, c.estimate.memoryBytes]));
    expect(mem["llama-3-8b"]).toBeGreaterThan(50 * (mem["mamba-2.8b"] as number));
    expect(d.candidates.find((c) => c.id === "llama-3-8b")?.penalties.memory).toBe(1);
    expect(d.candidates.find((c) => c.id === "mamba-2.8b")?.penalties.memory).toBe(0);
  });

  it("excludes by hard constraint, each exclusion with its reason", () => {
    const d = run({ families: ["ssm", "hybrid"], max_params: 9e9 });
    expect(d.chosen).toBe("mamba-2.8b");
    expect(d.excluded).toEqual([
      { id: "llama-3-8b", reasons: ["families: family transformer is not one of ssm|hybrid"] },
      { id: "bamba-9b", reasons: ["max_params: 9.78B params > 9B"] },
    ]);
    expect(d.reasons).toContain("mamba-2.8b: the only model that meets the hard constraints (score 0.45)");
    expect(d.reasons).toContain("2 excluded by hard constraints (families ×1, max_params ×1)");
  });

  it("returns no choice, and says why, when nothing is feasible", () => {
    const d = run({ deny: ["llama-3-8b"], allow: ["llama-3-8b", "mamba-2.8b"], max_cost: 0.001 });
    expect(d.chosen).toBeNull();
    expect(d.candidates).toEqual([]);
    expect(d.pareto).toEqual([]);
    expect(d.reasons[0]).toBe(
      "no feasible model: all 3 excluded by hard constraints (max_cost ×3, allow ×1, deny ×1)",
    );
    expect(d.excluded.find((e) => e.id === "mamba-2.8b")?.reasons).toEqual(["max_cost: estimated $0.0027 > $0.001"]);
  });

  it("excludes a model whose window cannot hold prompt plus max_tokens, and honours min_context", () => {
    const d = run({ min_context: 200_000 }, { promptTokens: 130_000, maxTokens: 2000 });
    expect(d.excluded[0]?.reasons).toEqual([
      "min_context: context 131072 < 200000 tokens",
      "context: window 131072 < 132000 tokens needed (prompt 130k + max_tokens 2k)",
    ]);
  });

  it("says so when the library is empty", () => {
    expect(run({}, long, []).reasons).toEqual(["no model to choose from: the library is empty"]);
  });

  it("breaks score ties by lower latency, then by id", () => {
    const [llama] = library;
    const twin = ModelCardSchema.parse({ ...llama, id: "a-twin" });
    const d = decide({ cards: [llama!, twin], quality: {}, flags: FlagsSchema.parse({}), prompt: long, now });
    expect(d.chosen).toBe("a-twin");
    expect(d.reasons[0]).toBe("a-twin: tied with llama-3-8b at score 0.3; chosen by id order");
    const slowTwin = ModelCardSchema.parse({ ...twin, layers: 40, attentionLayers: 40 });
    expect(run({}, long, [llama!, slowTwin]).chosen).toBe("llama-3-8b");
  });

  it("falls back to the card prior for a model the predictor did not score", () => {
    const flags = FlagsSchema.parse({});
    const d = decide({ cards: library, quality: { "llama-3-8b": 0.1 }, flags, prompt: long, now });
    expect(d.chosen).toBe("bamba-9b");
    expect(d.candidates.find((c) => c.id === "mamba-2.8b")?.quality).toBe(0.55);
  });

  it("rejects duplicate ids and predicted quality outside [0,1]", () => {
    const flags = FlagsSchema.parse({});
    const twice = [library[0]!, library[0]!];
    expect(() => decide({ cards: twice, quality, flags, prompt: long, now })).toThrow(/appears twice/);
    const tooGood = { ...quality, "bamba-9b": 1.2 };
    expect(() => decide({ cards: library, quality: tooGood, flags, prompt: long, now })).toThrow(/\[0,1\]/);
  });
});
