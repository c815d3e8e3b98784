// Mixture of experts in the cost model: compute and per-token weight reads follow activeParams, resident
// weights follow params.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_DEVICE, estimateCost } from "../../src/routing/cost-model.ts";
import { ModelCardSchema, type ModelCard } from "../../src/routing/model-card.ts";
import { cardArb, promptArb } from "./arbitraries.ts";

// Tiny Transformer of 1 000 params of which 400 run per token, so every figure can be checked by hand.
const tinyMoe = ModelCardSchema.parse({
  id: "tiny-moe", family: "transformer", architecture: "Test", params: 1000, activeParams: 400, layers: 2,
  attentionLayers: 2, dModel: 8, dInner: 0, dState: 0, kvHeads: 2, headDim: 4, contextLength: 4096,
  releasedAt: "2024-01-01", bytesPerParam: 2, priceInputPerMTok: 3, priceOutputPerMTok: 15, calibration: null,
  qualityPrior: 0.5,
});
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected) / expected).toBeLessThan(1e-12);

/** A card with its activeParams set to `fraction` of params (at least 1). */
const withActive = (card: ModelCard, fraction: number): ModelCard =>
  ModelCardSchema.parse({ ...card, activeParams: Math.max(1, Math.floor(card.params * fraction)) });

const fractionArb = fc.double({ min: 0, max: 1, noNaN: true });

describe("estimateCost on a mixture of experts", () => {
  it("counts FLOPs and per-token weight reads on activeParams, resident weights on params (n = 10, m = 3)", () => {
    const e = estimateCost(tinyMoe, { promptTokens: 10, maxTokens: 3 });
    expect(e.prefillFlops).toBe(2 * 400 * 10 + 2 * 2 * 100 * 8); // 11 200
    expect(e.decodeFlopsPerToken).toBe(800 + 4 * 2 * 10 * 8); // 1 440 at ctx 10
    expect(e.decodeFlops).toBe(1440 + 1504 + 1568); // ctx 10, 11, 12
    expect(e.weightBytes).toBe(2000);
    expect(e.memoryBytes).toBe(2 * 2 * 13 * 2 * 4 * 2); // KV only: 64 B/token × 13 tokens
    // decode reads 400·2 B of weights + the KV cache per token: 3·800 + 64·33 B, slower than its 4 512 FLOPs
    close(e.latencyMs, (11_200 / DEFAULT_DEVICE.flopsPerS + (3 * 800 + 64 * 33) / DEFAULT_DEVICE.bytesPerS) * 1000);
  });

  it("gives exactly the dense figures when activeParams equals params", () => {
    fc.assert(
      fc.property(cardArb("m"), promptArb, (card, prompt) => {
        const { activeParams: _a, ...dense } = card;
        expect(estimateCost({ ...dense, activeParams: dense.params }, prompt)).toEqual(estimateCost(dense, prompt));
      }),
    );
  });

  it("never raises latency, FLOPs or price, and never changes memory, when activeParams is lowered (uncalibrated)", () => {
    // A calibrated card is pinned to its measured tokens/s at one length, so only uncalibrated cards are monotone.
    fc.assert(
      fc.property(cardArb("m"), fractionArb, fractionArb, promptArb, (c, f1, f2, prompt) => {
        const card = { ...c, calibration: null };
        const more = estimateCost(withActive(card, Math.max(f1, f2)), prompt);
        const fewer = estimateCost(withActive(card, Math.min(f1, f2)), prompt);
        expect(fewer.latencyMs).toBeLessThanOrEqual(more.latencyMs);
        expect(fewer.prefillFlops).toBeLessThanOrEqual(more.prefillFlops);
        expect(fewer.decodeFlops).toBeLessThanOrEqual(more.decodeFlops);
        expect(fewer.costUsd).toBe(more.costUsd);
        expect(fewer.memoryBytes).toBe(more.memoryBytes);
        expect(fewer.weightBytes).toBe(more.weightBytes);
      }),
    );
  });
});

describe("ModelCardSchema activeParams", () => {
  it("is optional, so cards stored before it existed still parse", () => {
    const { activeParams: _a, ...dense } = tinyMoe;
    expect(ModelCardSchema.parse(dense)).not.toHaveProperty("activeParams");
  });

  it("rejects activeParams above params with a message naming activeParams", () => {
    const result = ModelCardSchema.safeParse({ ...tinyMoe, activeParams: 1001 });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ["activeParams"] });
    expect(result.error?.issues[0]?.message).toMatch(/^activeParams \(1001\) must not exceed params \(1000\)/);
  });

  it("rejects a zero or fractional activeParams", () => {
    for (const activeParams of [0, 10.5]) {
      expect(ModelCardSchema.safeParse({ ...tinyMoe, activeParams }).error?.issues[0]?.path).toEqual(["activeParams"]);
    }
  });
});
