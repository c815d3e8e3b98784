import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CAPABILITIES, type Capability } from "../../src/routing/capabilities.ts";
import { decide } from "../../src/routing/decide.ts";
import type { ModelCard } from "../../src/routing/model-card.ts";
import { capabilitiesArb, flagsArb, libraryArb, NOW, promptArb, qualityArb } from "./arbitraries.ts";

const RUNS = { numRuns: 300 };

/** A library with its qualities, a prompt, flags and the capabilities the request uses. */
const caseArb = libraryArb.chain((cards) =>
  fc.record({ cards: fc.constant(cards), quality: qualityArb(cards), prompt: promptArb, flags: flagsArb, needs: capabilitiesArb }),
);

const hasAll = (card: ModelCard, needs: readonly Capability[]) => needs.every((n) => card.capabilities.includes(n));

describe("decide with the request's capability needs (properties)", () => {
  it("never picks a model lacking a needed capability, and names each one it lacks in its exclusion", () => {
    fc.assert(
      fc.property(caseArb, ({ cards, quality, prompt, flags, needs }) => {
        const d = decide({ cards, quality, prompt, flags, needs, now: NOW });
        for (const c of d.candidates) expect(hasAll(cards.find((k) => k.id === c.id) as ModelCard, needs)).toBe(true);
        for (const card of cards) {
          const exclusion = d.excluded.find((e) => e.id === card.id);
          for (const need of needs) {
            const named = exclusion?.reasons.some((r) => r.startsWith(`${need}: `)) ?? false;
            expect(named).toBe(!card.capabilities.includes(need));
          }
        }
      }),
      RUNS,
    );
  });

  it("only removes candidates: those left are the ones without needs that have every needed capability", () => {
    fc.assert(
      fc.property(caseArb, ({ cards, quality, prompt, flags, needs }) => {
        const without = decide({ cards, quality, prompt, flags, now: NOW });
        const withNeeds = decide({ cards, quality, prompt, flags, needs, now: NOW });
        const expected = without.candidates.map((c) => c.id).filter((id) => hasAll(cards.find((k) => k.id === id) as ModelCard, needs));
        expect(withNeeds.candidates.map((c) => c.id).sort()).toEqual(expected.sort());
        expect(withNeeds.chosen === null).toBe(expected.length === 0);
      }),
      RUNS,
    );
  });

  it("when nothing is feasible, opens its reasons with each needed capability no model has, and only those", () => {
    fc.assert(
      fc.property(caseArb, ({ cards, quality, prompt, flags, needs }) => {
        const d = decide({ cards, quality, prompt, flags, needs, now: NOW });
        if (d.chosen !== null) return;
        const unmet = CAPABILITIES.filter((c) => needs.includes(c) && !cards.some((k) => k.capabilities.includes(c)));
        const opening = d.reasons.slice(0, unmet.length);
        expect(opening).toEqual(unmet.map((c) => expect.stringMatching(new RegExp(`^no model supports ${c}, which the request uses`))));
        expect(d.reasons[unmet.length]).toMatch(/^no feasible model: /);
      }),
      RUNS,
    );
  });

  it("counts max_tokens with the prompt: a model is a candidate only if both fit its context window", () => {
    fc.assert(
      fc.property(caseArb, ({ cards, quality, prompt, flags }) => {
        const d = decide({ cards, quality, prompt, flags: { ...flags, min_context: undefined }, now: NOW });
        for (const card of cards) {
          const overflows = card.contextLength < prompt.promptTokens + prompt.maxTokens;
          const reason = d.excluded.find((e) => e.id === card.id)?.reasons.find((r) => r.startsWith("context: "));
          expect(reason !== undefined).toBe(overflows);
          if (overflows) expect(d.candidates.map((c) => c.id)).not.toContain(card.id);
        }
      }),
      RUNS,
    );
  });
});
