import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { jaccard, minhashSignature, NEAR_DUPLICATE_PARAMS, NearDuplicateIndex, shingleSet } from "../../src/corpus/near-duplicates.ts";
import { nearCopyArb, wordsArb, wordsText } from "./support/synthetic-texts.ts";

const RUNS = { numRuns: 100 };

describe("shingleSet", () => {
  it("is sorted and distinct, one shingle per word 5-gram", () => {
    const set = shingleSet("a b c d e f g a b c d e");
    expect([...set]).toEqual([...new Set(set)].sort((x, y) => x - y));
    expect(set.length).toBe(7); // 8 windows, one repeated
  });

  it("ignores case, punctuation and layout", () => {
    expect(shingleSet("The quick, brown fox\njumps over.")).toEqual(shingleSet("the quick brown fox jumps over"));
  });

  it("gives one shingle for a text shorter than five words, and none for a text without words", () => {
    expect(shingleSet("two words").length).toBe(1);
    expect(shingleSet("--- ;; ()").length).toBe(0);
  });
});

describe("jaccard", () => {
  it("is 1 for a set with itself, 0 for disjoint sets", () => {
    const a = Uint32Array.from([1, 2, 3]);
    expect(jaccard(a, a)).toBe(1);
    expect(jaccard(a, Uint32Array.from([4, 5]))).toBe(0);
    expect(jaccard(a, Uint32Array.from([2, 3, 4]))).toBe(0.5);
  });
});

describe("minhashSignature", () => {
  it("estimates the Jaccard similarity of two texts", () => {
    fc.assert(
      fc.property(wordsArb.chain((w) => fc.tuple(fc.constant(w), nearCopyArb(w))), ([a, b]) => {
        const sa = shingleSet(wordsText(a));
        const sb = shingleSet(wordsText(b));
        const x = minhashSignature(sa);
        const y = minhashSignature(sb);
        const estimate = x.filter((v, k) => v === y[k]).length / x.length;
        // 128 functions: the standard error is at most 0.045; 5 of them is far past any run's luck.
        expect(Math.abs(estimate - jaccard(sa, sb))).toBeLessThan(0.23);
      }),
      RUNS,
    );
  });
});

describe("NearDuplicateIndex", () => {
  it("matches a near copy to the kept original, with its exact similarity", () => {
    fc.assert(
      fc.property(wordsArb.chain((w) => fc.tuple(fc.constant(w), nearCopyArb(w))), ([a, b]) => {
        const index = new NearDuplicateIndex();
        expect(index.offer("a", wordsText(a))).toBeNull();
        const match = index.offer("b", wordsText(b));
        expect(match?.key).toBe("a");
        expect(match?.jaccard).toBe(jaccard(shingleSet(wordsText(a)), shingleSet(wordsText(b))));
        expect(match?.jaccard).toBeGreaterThanOrEqual(NEAR_DUPLICATE_PARAMS.threshold);
      }),
      RUNS,
    );
  });

  it("keeps texts that share no more than a common passage", () => {
    const shared = "this passage appears in every document of the set, as licence headers do";
    const index = new NearDuplicateIndex();
    fc.assert(
      fc.property(wordsArb, fc.uuid(), (words, id) => {
        const text = `${shared}\n${wordsText(words)}`;
        // Texts of random words share nothing but the passage, far below the threshold.
        expect(index.offer(id, text)).toBeNull();
      }),
      { numRuns: 50 },
    );
  });

  it("never keeps a text whose exact similarity with a kept one reaches the threshold", () => {
    fc.assert(
      fc.property(fc.array(wordsArb, { minLength: 1, maxLength: 6 }).chain((bases) => fc.tuple(fc.constant(bases), fc.array(fc.tuple(fc.nat({ max: bases.length - 1 }), fc.nat()), { maxLength: 8 }))), ([bases, copyOf]) => {
        const texts = bases.map(wordsText);
        for (const [b, seed] of copyOf) {
          const base = bases[b] ?? [];
          texts.push(wordsText(base.map((w, i) => (i === seed % base.length ? w + 10_000 : w))));
        }
        const index = new NearDuplicateIndex();
        const kept = texts.filter((t, i) => index.offer(String(i), t) === null).map((t) => shingleSet(t));
        for (let i = 0; i < kept.length; i++) {
          for (let j = i + 1; j < kept.length; j++) expect(jaccard(kept[i] ?? new Uint32Array(), kept[j] ?? new Uint32Array())).toBeLessThan(NEAR_DUPLICATE_PARAMS.threshold);
        }
      }),
      { numRuns: 50 },
    );
  });
});
