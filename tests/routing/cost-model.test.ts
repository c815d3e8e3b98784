import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_DEVICE, estimateCost, estimatePromptTokens } from "../../src/routing/cost-model.ts";
import { ModelCardSchema, type Family, type ModelCard } from "../../src/routing/model-card.ts";
import { cardArb } from "./arbitraries.ts";

const base = {
  architecture: "Test",
  params: 1000,
  contextLength: 4096,
  releasedAt: "2024-01-01",
  priceInputPerMTok: 3,
  priceOutputPerMTok: 15,
  calibration: null,
  qualityPrior: 0.5,
};
// Tiny cards so every figure below can be checked by hand.
const tiny = ModelCardSchema.parse({
  ...base, id: "tiny-llama", family: "transformer", layers: 2, attentionLayers: 2, dModel: 8,
  dInner: 0, dState: 0, kvHeads: 2, headDim: 4, bytesPerParam: 2,
});
const tinyMamba = ModelCardSchema.parse({
  ...base, id: "tiny-mamba", family: "ssm", layers: 2, attentionLayers: 0, dModel: 8,
  dInner: 16, dState: 4, kvHeads: 0, headDim: 0, bytesPerParam: 4,
});
const tinyJamba = ModelCardSchema.parse({
  ...base, id: "tiny-jamba", family: "hybrid", layers: 4, attentionLayers: 1, dModel: 8,
  dInner: 16, dState: 4, kvHeads: 2, headDim: 4, bytesPerParam: 2,
});
const llama3_8b = ModelCardSchema.parse({
  ...base, id: "llama-3-8b", family: "transformer", params: 8_030_000_000, layers: 32, attentionLayers: 32,
  dModel: 4096, dInner: 0, dState: 0, kvHeads: 8, headDim: 128, bytesPerParam: 2, contextLength: 8192,
});
const prompt = { promptTokens: 10, maxTokens: 3 };
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected) / expected).toBeLessThan(1e-12);

describe("estimateCost on hand-computed cards (n = 10 prompt tokens, m = 3 generated)", () => {
  it("Transformer: prefill 2Pn + 2Ln²d, decode 2P + 4L·ctx·d per token, KV 2L·ctx·n_kv·d_head·b", () => {
    const e = estimateCost(tiny, prompt);
    expect(e.prefillFlops).toBe(2 * 1000 * 10 + 2 * 2 * 100 * 8); // 23 200
    expect(e.decodeFlopsPerToken).toBe(2000 + 4 * 2 * 10 * 8); // 2 640 at ctx 10
    expect(e.decodeFlops).toBe(2640 + 2704 + 2768); // ctx 10, 11, 12 → 8 112
    expect(e.memoryBytes).toBe(2 * 2 * 13 * 2 * 4 * 2); // 64 B/token × 13 tokens = 832
    expect(e.weightBytes).toBe(2000);
    close(e.costUsd, (3 * 10 + 15 * 3) / 1e6);
    // Uncalibrated: prefill at the default FLOP rate; decode reads weights + KV each token (8 112 B), which is
    // slower than its 8 112 FLOPs on the default device.
    close(e.latencyMs, (23_200 / DEFAULT_DEVICE.flopsPerS + (3 * 2000 + 64 * 33) / DEFAULT_DEVICE.bytesPerS) * 1000);
  });

  it("SSM: prefill 2Pn + scan, decode 2P + scan, state L(d_inner·d_state + d_inner·(d_conv−1))·b", () => {
    const e = estimateCost(tinyMamba, prompt);
    const scan = 9 * 2 * 16 * 4; // 1 152 FLOPs per token
    expect(e.prefillFlops).toBe(20_000 + scan * 10); // 31 520
    expect(e.decodeFlopsPerToken).toBe(2000 + scan); // 3 152
    expect(e.decodeFlops).toBe(3 * 3152);
    expect(e.memoryBytes).toBe(2 * (16 * 4 + 16 * 3) * 4); // 896
  });

  it("hybrid: attention layers as a Transformer, the others as an SSM", () => {
    const e = estimateCost(tinyJamba, prompt);
    const scan = 9 * 3 * 16 * 4; // 3 SSM layers: 1 728
    expect(e.prefillFlops).toBe(20_000 + 2 * 1 * 100 * 8 + scan * 10); // 38 880
    expect(e.decodeFlopsPerToken).toBe(2000 + 4 * 1 * 10 * 8 + scan); // 4 048
    expect(e.decodeFlops).toBe(3 * (2000 + scan) + 4 * 1 * 8 * 33); // 12 240
    expect(e.memoryBytes).toBe(2 * 1 * 13 * 2 * 4 * 2 + 3 * (16 * 4 + 16 * 3) * 2); // 416 + 672
  });

  it("Llama-3-8B holds 128 KiB of KV cache per token (1.57 GB at 12k)", () => {
    expect(estimateCost(llama3_8b, { promptTokens: 11_000, maxTokens: 1000 }).memoryBytes).toBe(12_000 * 131_072);
  });
});

describe("estimateCost with calibration", () => {
  const calibrated = { ...llama3_8b, calibration: { prefillTokPerS: 5000, decodeTokPerS: 40, measuredAtTokens: 2048 } };

  it("reproduces the measured tokens/s at the measured length", () => {
    close(estimateCost(calibrated, { promptTokens: 2048, maxTokens: 0 }).latencyMs, (2048 / 5000) * 1000);
    close(estimateCost(calibrated, { promptTokens: 2048, maxTokens: 1 }).latencyMs, (2048 / 5000) * 1000 + 1000 / 40);
  });

  it("slows a Transformer's decode at longer contexts than measured", () => {
    const latency = (n: number, m: number) => estimateCost(calibrated, { promptTokens: n, maxTokens: m }).latencyMs;
    const decodeMs = (n: number) => latency(n, 1) - latency(n, 0);
    expect(decodeMs(8000)).toBeGreaterThan(decodeMs(2048));
  });
});

describe("estimateCost (properties)", () => {
  const length = fc.integer({ min: 0, max: 300_000 });
  const lengths = fc.tuple(length, length).map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as const);
  const maxTokens = fc.integer({ min: 0, max: 8192 });
  const attentionFamilies = fc.constantFrom<Family>("transformer", "hybrid");

  it("a longer prompt never lowers a Transformer's or hybrid's latency or memory", () => {
    fc.assert(
      fc.property(cardArb("m", attentionFamilies), lengths, maxTokens, (card: ModelCard, [short, long], m) => {
        const a = estimateCost(card, { promptTokens: short, maxTokens: m });
        const b = estimateCost(card, { promptTokens: long, maxTokens: m });
        expect(b.latencyMs).toBeGreaterThanOrEqual(a.latencyMs);
        expect(b.memoryBytes).toBeGreaterThanOrEqual(a.memoryBytes);
        if (long > short) expect(b.memoryBytes).toBeGreaterThan(a.memoryBytes);
      }),
      { numRuns: 500 },
    );
  });

  it("an SSM's memory is constant in prompt length", () => {
    fc.assert(
      fc.property(cardArb("m", fc.constant<Family>("ssm")), lengths, maxTokens, (card: ModelCard, [short, long], m) => {
        const a = estimateCost(card, { promptTokens: short, maxTokens: m });
        const b = estimateCost(card, { promptTokens: long, maxTokens: m });
        expect(b.memoryBytes).toBe(a.memoryBytes);
        expect(b.latencyMs).toBeGreaterThanOrEqual(a.latencyMs);
      }),
      { numRuns: 500 },
    );
  });

  it("every figure is finite and non-negative", () => {
    fc.assert(
      fc.property(cardArb("m"), fc.integer({ min: 0, max: 300_000 }), maxTokens, (card: ModelCard, n, m) => {
        for (const v of Object.values(estimateCost(card, { promptTokens: n, maxTokens: m }))) {
          expect(Number.isFinite(v) && v >= 0).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("rejects negative or fractional token counts", () => {
    expect(() => estimateCost(tiny, { promptTokens: -1, maxTokens: 1 })).toThrow(/promptTokens/);
    expect(() => estimateCost(tiny, { promptTokens: 1, maxTokens: 1.5 })).toThrow(/maxTokens/);
  });
});

describe("estimatePromptTokens", () => {
  it("counts about four characters a token, at least one", () => {
    expect(estimatePromptTokens("")).toBe(1);
    expect(estimatePromptTokens("abcd")).toBe(1);
    expect(estimatePromptTokens("abcde")).toBe(2);
    expect(estimatePromptTokens("x".repeat(4000))).toBe(1000);
  });
});
