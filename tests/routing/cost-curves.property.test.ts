import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CURVE_LENGTHS, costCurves } from "../../src/routing/cost-curves.ts";
import { estimateCost } from "../../src/routing/cost-model.ts";
import { cardArb } from "./arbitraries.ts";

const lengthsArb = fc.uniqueArray(fc.integer({ min: 1, max: 262_144 }), { minLength: 2, maxLength: 8 }).map((l) => l.sort((a, b) => a - b));
const maxTokensArb = fc.integer({ min: 1, max: 4096 });

describe("costCurves", () => {
  it("is the cost model at each length, one point per length, in order", () => {
    fc.assert(
      fc.property(cardArb("m"), lengthsArb, maxTokensArb, (card, lengths, m) => {
        const [curve] = costCurves([card], lengths, m);
        expect(curve?.points.map((p) => p.prompt_tokens)).toEqual(lengths);
        curve?.points.forEach((p, i) => {
          const e = estimateCost(card, { promptTokens: lengths[i] as number, maxTokens: m });
          expect([p.latency_ms, p.memory_bytes, p.cost_usd]).toEqual([e.latencyMs, e.memoryBytes, e.costUsd]);
          expect(p.within_context).toBe((lengths[i] as number) + m <= card.contextLength);
        });
      }),
    );
  });

  it("never falls as the prompt grows; an SSM's memory stays flat and a Transformer's grows", () => {
    fc.assert(
      fc.property(cardArb("m"), maxTokensArb, (card, m) => {
        const points = costCurves([card], CURVE_LENGTHS, m)[0]?.points ?? [];
        for (let i = 1; i < points.length; i++) {
          const [a, b] = [points[i - 1], points[i]] as const;
          if (!a || !b) continue;
          expect(b.latency_ms).toBeGreaterThanOrEqual(a.latency_ms);
          if (card.family === "ssm") expect(b.memory_bytes).toBe(a.memory_bytes);
          if (card.family === "transformer") expect(b.memory_bytes).toBeGreaterThan(a.memory_bytes);
        }
      }),
    );
  });
});
