import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decide } from "../../src/routing/decide.ts";
import { capabilitiesArb, flagsArb, libraryArb, modelListArb, NOW, promptArb, qualityArb } from "./arbitraries.ts";

const RUNS = { numRuns: 300 };

/** A library, its qualities, a prompt, flags, needs and a models list naming ids in and out of the library. */
const caseArb = libraryArb.chain((cards) =>
  fc.record({
    cards: fc.constant(cards),
    quality: qualityArb(cards),
    prompt: promptArb,
    flags: flagsArb,
    needs: capabilitiesArb,
    list: modelListArb,
  }),
);

describe("decide with a models list (properties)", () => {
  it("ranks the listed models that are feasible without the list, in the list's order, and picks the first", () => {
    fc.assert(
      fc.property(caseArb, ({ cards, quality, prompt, flags, needs, list }) => {
        const free = decide({ cards, quality, prompt, flags, needs, now: NOW });
        const listed = decide({ cards, quality, prompt, flags, needs, list, now: NOW });
        const feasible = new Set(free.candidates.map((c) => c.id));
        const expected = list.filter((id) => feasible.has(id));
        expect(listed.candidates.map((c) => c.id)).toEqual(expected);
        expect(listed.candidates.map((c) => c.rank)).toEqual(expected.map((_, i) => i + 1));
        expect(listed.chosen).toBe(expected[0] ?? null);
      }),
      RUNS,
    );
  });

  it("gives every other listed id and every unlisted card an exclusion with its reasons", () => {
    fc.assert(
      fc.property(caseArb, ({ cards, quality, prompt, flags, needs, list }) => {
        const d = decide({ cards, quality, prompt, flags, needs, list, now: NOW });
        const candidates = new Set(d.candidates.map((c) => c.id));
        const ids = new Set(cards.map((c) => c.id));
        const reasonsOf = (id: string) => d.excluded.find((e) => e.id === id)?.reasons ?? [];
        for (const id of list) {
          if (!ids.has(id)) expect(reasonsOf(id)).toEqual([`models: "${id}" is not an enabled library model`]);
          else if (!candidates.has(id)) expect(reasonsOf(id).length).toBeGreaterThan(0);
        }
        for (const id of ids) {
          if (!list.includes(id)) expect(reasonsOf(id)[0]).toBe(`models: "${id}" is not in the request's models list`);
        }
        expect(d.excluded.length + d.candidates.length).toBe(new Set([...ids, ...list]).size);
      }),
      RUNS,
    );
  });

  it("is deterministic: the card order does not change the ranking under a list", () => {
    fc.assert(
      fc.property(caseArb, ({ cards, quality, prompt, flags, needs, list }) => {
        const a = decide({ cards, quality, prompt, flags, needs, list, now: NOW });
        const b = decide({ cards: [...cards].reverse(), quality, prompt, flags, needs, list, now: NOW });
        expect(b.candidates.map((c) => c.id)).toEqual(a.candidates.map((c) => c.id));
      }),
      RUNS,
    );
  });
});
