import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { estimateCost } from "../../src/routing/cost-model.ts";
import { decide, DecisionSchema } from "../../src/routing/decide.ts";
import type { Flags } from "../../src/routing/flags.ts";
import type { ModelCard } from "../../src/routing/model-card.ts";
import { flagsArb, libraryArb, NOW, promptArb, qualityArb, weightsArb } from "./arbitraries.ts";

const RUNS = { numRuns: 300 };

/** A library with its qualities, a prompt and flags. */
const caseArb = (flags: fc.Arbitrary<Flags>) =>
  libraryArb.chain((cards) =>
    fc.record({ cards: fc.constant(cards), quality: qualityArb(cards), prompt: promptArb, flags }),
  );

/** An independent reading of the hard constraints, written from the flag definitions. */
function feasible(card: ModelCard, flags: Flags, prompt: { promptTokens: number; maxTokens: number }): boolean {
  const est = estimateCost(card, prompt);
  return (
    (flags.allow === undefined || flags.allow.includes(card.id)) &&
    !(flags.deny ?? []).includes(card.id) &&
    (flags.families === undefined || flags.families.includes(card.family)) &&
    (flags.max_params === undefined || card.params <= flags.max_params) &&
    card.contextLength >= Math.max(flags.min_context ?? 0, prompt.promptTokens + prompt.maxTokens) &&
    (flags.max_latency_ms === undefined || est.latencyMs <= flags.max_latency_ms) &&
    (flags.max_cost === undefined || est.costUsd <= flags.max_cost)
  );
}

const raise = fc.double({ min: 0.01, max: 10, noNaN: true });

describe("decide (properties)", () => {
  it("raising λ_size never picks a larger model", () => {
    fc.assert(
      fc.property(caseArb(weightsArb), raise, ({ cards, quality, prompt, flags }, delta) => {
        const before = decide({ cards, quality, prompt, flags, now: NOW });
        const after = decide({ cards, quality, prompt, flags: { ...flags, size: flags.size + delta }, now: NOW });
        if (before.chosen === null) {
          expect(after.chosen).toBeNull();
          return;
        }
        const params = (id: string | null) => cards.find((c) => c.id === id)?.params;
        expect(params(after.chosen)).toBeLessThanOrEqual(params(before.chosen) as number);
      }),
      RUNS,
    );
  });

  it("raising λ_latency never picks a slower model for the same prompt", () => {
    fc.assert(
      fc.property(caseArb(weightsArb), raise, ({ cards, quality, prompt, flags }, delta) => {
        const before = decide({ cards, quality, prompt, flags, now: NOW });
        const after = decide({ cards, quality, prompt, flags: { ...flags, latency: flags.latency + delta }, now: NOW });
        if (before.chosen === null) {
          expect(after.chosen).toBeNull();
          return;
        }
        const latency = (id: string | null) => before.candidates.find((c) => c.id === id)?.estimate.latencyMs;
        expect(latency(after.chosen)).toBeLessThanOrEqual(latency(before.chosen) as number);
      }),
      RUNS,
    );
  });

  it("the choice satisfies every hard constraint, and is null only when no card is feasible", () => {
    fc.assert(
      fc.property(caseArb(flagsArb), ({ cards, quality, prompt, flags }) => {
        const d = decide({ cards, quality, prompt, flags, now: NOW });
        const ok = cards.filter((c) => feasible(c, flags, prompt)).map((c) => c.id);
        expect(d.candidates.map((c) => c.id).sort()).toEqual([...ok].sort());
        if (d.chosen === null) expect(ok).toEqual([]);
        else expect(ok).toContain(d.chosen);
        const ruledOut = cards.map((c) => c.id).filter((id) => !ok.includes(id));
        expect(d.excluded.map((e) => e.id).sort()).toEqual(ruledOut.sort());
        for (const e of d.excluded) expect(e.reasons.length).toBeGreaterThan(0);
        expect(d.reasons.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it("ranks by the stated score, with every term in range and the schema's shape", () => {
    fc.assert(
      fc.property(caseArb(flagsArb), ({ cards, quality, prompt, flags }) => {
        const d = DecisionSchema.parse(decide({ cards, quality, prompt, flags, now: NOW }));
        d.candidates.forEach((c, i) => {
          expect(c.rank).toBe(i + 1);
          expect(c.loss).toBeCloseTo(1 - (quality[c.id] as number), 12);
          let score = flags.quality * c.loss;
          for (const k of ["size", "recency", "latency", "cost", "memory"] as const) {
            expect(c.penalties[k]).toBeGreaterThanOrEqual(0);
            expect(c.penalties[k]).toBeLessThanOrEqual(1);
            expect(c.weighted[k]).toBeCloseTo(flags[k] * c.penalties[k], 12);
            score += c.weighted[k];
          }
          expect(c.score).toBeCloseTo(score, 12);
          if (i > 0) expect(c.score).toBeGreaterThanOrEqual((d.candidates[i - 1] as { score: number }).score);
        });
        expect(d.chosen).toBe(d.candidates[0]?.id ?? null);
        for (const id of d.pareto) expect(d.candidates.map((c) => c.id)).toContain(id);
        if (d.chosen !== null && flags.quality > 0) expect(d.pareto).toContain(d.chosen);
      }),
      RUNS,
    );
  });

  it("is deterministic: the same input gives the same decision whatever the card order", () => {
    fc.assert(
      fc.property(caseArb(flagsArb), ({ cards, quality, prompt, flags }) => {
        const a = decide({ cards, quality, prompt, flags, now: NOW });
        const b = decide({ cards: [...cards].reverse(), quality, prompt, flags, now: NOW });
        expect(b.chosen).toBe(a.chosen);
        expect(b.candidates.map((c) => c.id)).toEqual(a.candidates.map((c) => c.id));
      }),
      RUNS,
    );
  });
});
